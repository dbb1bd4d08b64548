"""talk.yml validation: each class of mistake gives one error naming file, key path and line."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from talksite.talk import Talk, TalkConfigError, load_talk, parse_talk

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "minimal_talk" / "talk" / "talk.yml"
SOURCE = "talk/talk.yml"


def fixture_text() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def line_of(text: str, fragment: str) -> int:
    """The 1-based line on which ``fragment`` first appears."""
    return text[: text.index(fragment)].count("\n") + 1


def error_for(text: str) -> TalkConfigError:
    with pytest.raises(TalkConfigError) as caught:
        parse_talk(text, source=SOURCE)
    return caught.value


def changed(old: str, new: str) -> str:
    text = fixture_text()
    assert old in text, f"the fixture no longer contains {old!r}"
    return text.replace(old, new, 1)


def test_the_real_talk_loads() -> None:
    talk = load_talk(ROOT / "talk" / "talk.yml")
    assert isinstance(talk, Talk)
    assert [layer.slug for layer in talk.layers] == ["routing", "locking", "tcp", "termination"]
    assert talk.event.date == date(2023, 5, 30)
    assert (talk.event.start, talk.event.end) == (time(14, 35), time(15, 5))
    assert talk.video.id == "aQSe5QjLGuo"


def test_unknown_key() -> None:
    text = changed("  venue: Room Zero\n", "  venue: Room Zero\n  country: Nowhere\n")
    error = error_for(text)
    assert str(error).startswith(f"{SOURCE}:{line_of(text, 'country:')}: event.country: ")
    assert "unknown key" in error.problem
    assert "venue" in error.problem  # the keys that are allowed


def test_missing_key() -> None:
    text = changed("  city: Testville\n", "")
    error = error_for(text)
    # A missing key has no line: the error points at the mapping that should hold it.
    assert str(error).startswith(f"{SOURCE}:{line_of(text, 'event:')}: event.city: ")
    assert "missing" in error.problem


def test_wrong_type() -> None:
    text = changed("title: Small fixtures make sturdy generators", "title: [not, text]")
    error = error_for(text)
    assert str(error).startswith(f"{SOURCE}:{line_of(text, 'title:')}: title: ")
    assert error.problem == (
        "expected text (quote it if YAML reads it as something else), found a list"
    )


def test_number_where_text_is_expected() -> None:
    text = changed("  venue: Room Zero", "  venue: 101")
    error = error_for(text)
    assert str(error) == (
        f"{SOURCE}:{line_of(text, 'venue:')}: event.venue: expected text (quote it if YAML"
        " reads it as something else), found the number 101"
    )


def test_malformed_date() -> None:
    text = changed("date: 2031-02-14", "date: 14/02/2031")
    error = error_for(text)
    assert str(error) == (
        f"{SOURCE}:{line_of(text, 'date:')}: event.date:"
        " expected a date as YYYY-MM-DD, found '14/02/2031'"
    )


def test_impossible_date() -> None:
    text = changed("date: 2031-02-14", "date: 2031-02-30")
    assert str(error_for(text)) == (
        f"{SOURCE}:{line_of(text, 'date:')}: event.date:"
        " expected a day of the calendar, found 2031-02-30"
    )


def test_malformed_time() -> None:
    text = changed('start: "09:00"', "start: 9am")
    error = error_for(text)
    assert str(error) == (
        f"{SOURCE}:{line_of(text, 'start:')}: event.start:"
        " expected a time as HH:MM (24-hour clock), found '9am'"
    )


def test_unquoted_time_is_read_as_written() -> None:
    # YAML 1.1 reads 09:00 as the base-60 integer 540; the loader reads the text instead.
    talk = parse_talk(changed('start: "09:00"', "start: 09:00"), source=SOURCE)
    assert talk.event.start == time(9, 0)


def test_end_before_start() -> None:
    text = changed('end: "09:25"', 'end: "08:59"')
    assert str(error_for(text)) == (
        f"{SOURCE}:{line_of(text, 'end:')}: event.end:"
        " expected a time after the start (09:00), found 08:59"
    )


def test_unknown_time_zone() -> None:
    text = changed("timezone: America/New_York", "timezone: Mars/Olympus_Mons")
    assert str(error_for(text)).startswith(
        f"{SOURCE}:{line_of(text, 'timezone:')}: event.timezone: expected an IANA time zone"
    )


def test_malformed_video_id() -> None:
    text = changed("id: fixture0001", "id: https://youtu.be/fixture0001")
    error = error_for(text)
    assert str(error) == (
        f"{SOURCE}:{line_of(text, '  id:')}: video.id: expected an 11-character YouTube"
        " video id (letters, digits, '-' and '_'), found 'https://youtu.be/fixture0001'"
    )


def test_error_inside_a_list_names_the_item() -> None:
    text = changed("  - slug: only-layer", "  - slug: Only Layer")
    assert str(error_for(text)).startswith(
        f"{SOURCE}:{line_of(text, 'slug:')}: layers[0].slug: expected a slug"
    )


def test_invalid_yaml() -> None:
    text = changed("  city: Testville", "  city: [Testville")
    error = error_for(text)
    assert error.source == SOURCE
    assert error.path == "(file)"
    assert "invalid YAML" in error.problem


def test_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(TalkConfigError, match=r"^talk/talk\.yml:1: \(file\): expected a talk"):
        load_talk(tmp_path / "talk.yml", source=SOURCE)


# -- hostile files: each is one problem, fast, never a traceback -----------------------------


def test_a_list_nested_100_000_deep_is_one_problem() -> None:
    text = changed("  city: Testville", "  city: " + "[" * 100_000 + "]" * 100_000)
    error = error_for(text)
    assert str(error) == (
        f"{SOURCE}:{line_of(text, 'city:')}: (file): expected at most 20 levels of mappings"
        " and lists, found more"
    )


def test_aliases_are_refused_before_they_are_expanded() -> None:
    # A billion laughs in 30 lines: each level repeats the one before ten times.
    levels = ["laugh0: &laugh0 [ha, ha, ha, ha, ha, ha, ha, ha, ha, ha]"]
    levels += [f"laugh{n}: &laugh{n} [{', '.join([f'*laugh{n - 1}'] * 10)}]" for n in range(1, 30)]
    text = fixture_text() + "\n".join(levels) + "\n"
    error = error_for(text)
    assert str(error) == (
        f"{SOURCE}:{line_of(text, 'laugh0:')}: (file): expected every value written out"
        " (no anchors or aliases), found the anchor &laugh0"
    )


def test_an_alias_alone_is_refused() -> None:
    text = changed("  city: Testville", "  city: *town")
    assert str(error_for(text)).startswith(
        f"{SOURCE}:{line_of(text, 'city:')}: (file): expected every value written out"
    )


@pytest.mark.parametrize(
    ("data", "line", "found"),
    [
        (b"title: Caf\xe9\n", 1, "the byte 0xe9"),  # Latin-1
        (bytes(range(256)) * 4, 2, "the byte 0x80"),  # random bytes: a newline at 0x0a
    ],
    ids=["latin-1", "binary"],
)
def test_a_file_that_is_not_utf8_is_one_problem(
    tmp_path: Path, data: bytes, line: int, found: str
) -> None:
    (tmp_path / "talk.yml").write_bytes(data)
    with pytest.raises(TalkConfigError) as caught:
        load_talk(tmp_path / "talk.yml", source=SOURCE)
    assert str(caught.value) == f"{SOURCE}:{line}: (file): expected UTF-8 text, found {found}"


def test_control_characters_are_one_problem() -> None:
    text = changed("  city: Testville", "  city: Test\x00ville")
    assert str(error_for(text)) == (
        f"{SOURCE}:{line_of(text, 'city:')}: (file): invalid YAML: special characters are not"
        " allowed #x0000"
    )


def test_a_folder_as_talk_yml_is_one_problem(tmp_path: Path) -> None:
    (tmp_path / "talk.yml").mkdir()
    with pytest.raises(TalkConfigError) as caught:
        load_talk(tmp_path / "talk.yml", source=SOURCE)
    assert str(caught.value) == f"{SOURCE}:1: (file): expected a talk file, found a folder"


@pytest.mark.parametrize(
    ("length", "expected"),
    [
        (201, "one line of at most 200 characters"),
        (1_000_000, "text of at most 20000 characters"),
    ],
)
def test_a_title_over_its_cap_names_its_length(length: int, expected: str) -> None:
    text = changed("title: Small fixtures make sturdy generators", f"title: {'x' * length}")
    assert str(error_for(text)) == (
        f"{SOURCE}:2: title: expected {expected}, found {length} characters"
    )


def test_long_text_has_a_cap_too() -> None:
    text = changed("  bio: Ada is a character in a test suite.", f"  bio: {'x' * 20_001}")
    assert str(error_for(text)) == (
        f"{SOURCE}:{line_of(text, 'bio:')}: speaker.bio: expected text of at most 20000"
        " characters, found 20001 characters"
    )


def test_each_outline_item_is_one_line() -> None:
    text = changed(
        "    summary: One layer is enough to prove that layers come from talk.yml.",
        "    summary: One layer is enough.\n    outline:\n      - fine\n      - |\n        two\n"
        "        lines",
    )
    assert str(error_for(text)) == (
        f"{SOURCE}:{line_of(text, '- |')}: layers[0].outline[1]: expected one line of at most"
        " 200 characters, found 2 lines"
    )


@pytest.mark.parametrize(
    ("title", "found"),
    [
        ('"Intro\\n1:00 A forged chapter"', "found 2 lines"),
        ('"Intro --> 1:00"', "found '-->' in 'Intro --> 1:00'"),
    ],
    ids=["newline", "cue-arrow"],
)
def test_a_chapter_title_cannot_forge_chapter_lines_or_cues(title: str, found: str) -> None:
    text = changed(
        "  id: fixture0001",
        f'  id: fixture0001\n  chapters:\n    - at: "0:00"\n      title: {title}',
    )
    assert str(error_for(text)) == (
        f"{SOURCE}:{line_of(text, 'title: ' + title)}: video.chapters[0].title: expected one"
        f" line of at most 100 characters, without '-->', {found}"
    )
