"""The Content-Security-Policy of talksite's pages: scripts and connections only from the site
itself, inline scripts only by their hash, no plugins, and (where a header can say it) framed
only by the site itself.

- The built site carries it in a ``<meta http-equiv>`` at the top of every page's head, with
  that page's own inline scripts' hashes (:func:`with_policy_meta`). A ``<meta>`` policy cannot
  say ``frame-ancestors``, so there it is left out.
- ``talksite present`` sends it as a header with every response, with ``frame-ancestors``
  and the hashes of every page of the site it serves (:func:`site_policy`).
- The deck's speaker view (reveal.js's notes plugin) is a popup that the plugin writes itself,
  with an inline script; an ``about:blank`` popup inherits its opener's policy, so the deck's
  policy allows that script by its hash too (:func:`speaker_view_hashes`).

Styles, images, fonts and frames are not restricted: the video's player (youtube-nocookie.com,
loaded only after a click) is a frame, and reveal.js styles slides inline.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from talksite.errors import SetupError

__all__ = [
    "HEADER_ONLY",
    "content_policy",
    "inline_script_hashes",
    "site_policy",
    "speaker_view_hashes",
    "with_policy_meta",
]

#: What only a header can say: which pages may frame this one.
HEADER_ONLY = "frame-ancestors 'self'"
_REST = ("connect-src 'self'", "object-src 'none'", "base-uri 'self'")
#: Inline scripts: no src, and no type but JavaScript's (a JSON data block never runs).
_INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\ssrc=)(?![^>]*\stype=\"(?!text/javascript|module)[^\"]*\")[^>]*>(.*?)</script>",
    re.DOTALL | re.I,
)
_CHARSET = re.compile(r"<meta charset=[^>]*>", re.I)
#: The speaker view's page, as reveal.js's notes plugin writes it into its popup.
_SPEAKER_PAGE = re.compile(r"document\.write\(`(.*?)(?<!\\)`\)", re.DOTALL)
_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)", re.DOTALL)
_JS_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def content_policy(hashes: Iterable[str], *, header: bool) -> str:
    """The policy, allowing the inline scripts with these hashes; `header`: with what only
    a header can say."""
    sources = " ".join(["'self'", *(f"'{h}'" for h in sorted(set(hashes)))])
    directives = [f"script-src {sources}", *_REST]
    return "; ".join([HEADER_ONLY, *directives] if header else directives)


def inline_script_hashes(html: str) -> set[str]:
    """``sha256-…`` of each inline script in `html`, as a policy names it."""
    return {_sha256(match.group(1)) for match in _INLINE_SCRIPT.finditer(html)}


def speaker_view_hashes(notes_js: str) -> set[str]:
    """The hashes of the inline scripts of the speaker view that reveal.js's notes plugin
    (`notes_js`, its classic build) writes into its popup."""
    found = _SPEAKER_PAGE.search(notes_js)
    if found is None:
        raise SetupError(
            "reveal.js's notes plugin does not write its speaker view as talksite expects"
            " (document.write of a template): the deck's policy cannot allow its script"
        )
    return inline_script_hashes(_JS_ESCAPE.sub(_unescape, found.group(1)))


def with_policy_meta(html: str, *, extra_hashes: Iterable[str] = ()) -> str:
    """`html` with the policy in a ``<meta>`` ahead of everything it governs: right after
    the charset (which must stay in the first 1024 bytes), else at the top of the head."""
    policy = content_policy(inline_script_hashes(html) | set(extra_hashes), header=False)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
    charset = _CHARSET.search(html)
    if charset is not None:
        return html[: charset.end()] + "\n" + meta + html[charset.end() :]
    return html.replace("<head>", "<head>\n" + meta, 1)


def site_policy(site: Path) -> str:
    """The header policy for every page of the built `site`: every inline script of its
    pages, and the speaker view's."""
    hashes: set[str] = set()
    for page in site.rglob("*.html"):
        hashes |= inline_script_hashes(page.read_text(encoding="utf-8", errors="replace"))
    notes = site / "slides" / "reveal" / "plugin" / "notes.js"
    if notes.is_file():
        hashes |= speaker_view_hashes(notes.read_text(encoding="utf-8"))
    return content_policy(hashes, header=True)


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _unescape(match: re.Match[str]) -> str:
    """One escape of a JavaScript template literal, as the string holds it."""
    escape = match.group(1)
    if escape[0] in "xu" and len(escape) > 1:
        return chr(int(escape[1:], 16))
    return _JS_SIMPLE.get(escape, escape)
