"""The ``snippet()`` macro: a snippet's code, its recorded output, and how to run it.

The macro writes ``--8<--`` include lines rather than the code itself, so that
pymdownx.snippets (with ``check_paths: true``) reads the files at build time and fails the
build on a missing file or section, and the page can never drift from the file the tests run.
"""

from __future__ import annotations

from pathlib import Path

from talksite.snippets import OUTPUT_SUFFIX

__all__ = ["SnippetPageError", "render_snippet"]


class SnippetPageError(ValueError):
    """A page asks for a snippet that cannot be shown truthfully."""


def render_snippet(path: str, section: str | None = None, *, snippets_dir: Path) -> str:
    """Markdown for one snippet section, its recorded output and the command to run it."""
    source = snippets_dir / path
    if source.suffix != ".py" or not source.is_file():
        raise SnippetPageError(f"snippet({path!r}): no such snippet file {source}")
    output = source.with_suffix(OUTPUT_SUFFIX)
    if not output.is_file():
        raise SnippetPageError(
            f"snippet({path!r}): no recorded output {output.name};"
            f" run `talksite record snippets/{path}`"
        )
    include = f"{path}:{section}" if section else path
    output_include = Path(path).with_suffix(OUTPUT_SUFFIX).as_posix()
    shown = f"snippets/{path}"
    return "\n".join(
        [
            "",
            f'```python title="{shown}"',
            f'--8<-- "{include}"',
            "```",
            "",
            '```text title="Output"',
            f'--8<-- "{output_include}"',
            "```",
            "",
            '<p class="snippet-run" markdown>',
            f"Run it yourself: `talksite run {shown}`",
            "</p>",
            "",
        ]
    )
