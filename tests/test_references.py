"""The one reading of what a page or a slide refers to (talksite.references): includes and
macro calls, each with its line, as the content check, the deck and present's catalog see them."""

from __future__ import annotations

import pytest

from talksite.references import Include, MacroCall, read_references, replace_calls

PAGE = """\
# A page

```python
--8<-- "layer/name.py:part"
```

  --8<-- "layer/name.out"
--8<-- "layer/other.py:3:8"
Not an include: --8<-- "layer/mid.py"
;--8<-- "layer/escaped.py"

{{ snippet("layer/name.py", "part") }} then {{ timeline("layer/run.out") }}
[{{ site_url }}]({{ site_url }}), by {{ talk.speaker.name }}
{{ swiss_cheese(
    "layer/matrix.out", run=1) }}
{{ broken(x }} and {{ named(not_literal) }}
"""


def test_includes_are_whole_lines_with_their_section_and_line() -> None:
    includes = [ref for ref in read_references(PAGE) if isinstance(ref, Include)]
    assert includes == [
        Include("layer/name.py:part", "layer/name.py", "part", 4),  # inside a fence: expanded
        Include("layer/name.out", "layer/name.out", None, 7),
        Include("layer/other.py:3:8", "layer/other.py", None, 8),  # lines, not a section
    ]


def test_macro_calls_and_values_come_with_the_line_they_start_on() -> None:
    calls = [ref for ref in read_references(PAGE) if isinstance(ref, MacroCall)]
    assert [(c.name, c.call, c.line) for c in calls] == [
        ("snippet", 'snippet("layer/name.py", "part")', 12),
        ("timeline", 'timeline("layer/run.out")', 12),
        ("site_url", None, 13),
        ("site_url", None, 13),
        ("talk.speaker.name", None, 13),
        ("swiss_cheese", 'swiss_cheese(\n    "layer/matrix.out", run=1)', 14),
        ("named", "named(not_literal)", 16),
    ]
    assert calls[0].arguments() == (["layer/name.py", "part"], {})
    assert calls[5].arguments() == (["layer/matrix.out"], {"run": 1})
    assert calls[2].text == "{{ site_url }}"


@pytest.mark.parametrize("index", [2, 6], ids=["a value", "not literals"])
def test_arguments_that_cannot_be_read_are_a_value_error(index: int) -> None:
    calls = [ref for ref in read_references(PAGE) if isinstance(ref, MacroCall)]
    with pytest.raises(ValueError):
        calls[index].arguments()


def test_references_come_in_the_order_they_are_written() -> None:
    text = '{{ a() }}\n--8<-- "x.py"\n{{ b }}\n'
    assert [getattr(ref, "name", None) or ref.target for ref in read_references(text)] == [
        "a",
        "x.py",
        "b",
    ]


def test_replacing_calls_leaves_the_rest_as_written() -> None:
    replaced = replace_calls(PAGE, lambda call: f"<{call.name}@{call.line}>")
    assert "<snippet@12> then <timeline@12>" in replaced
    assert "[<site_url@13>](<site_url@13>), by <talk.speaker.name@13>" in replaced
    assert "<swiss_cheese@14>\n{{ broken(x }} and <named@16>" in replaced
    assert '--8<-- "layer/name.py:part"' in replaced
