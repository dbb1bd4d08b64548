"""The deck's page as ``talksite present`` serves it: the built ``slides/index.html``, with
the presenting script, and for the audience without the speaker notes.

The built site stays as it is (it works from ``file://`` and any static host); only the copy
served while presenting changes. With ``--lan``, the QR code shows the audience's address.
"""

from __future__ import annotations

import json
import re
from typing import Any

from talksite.deck import qr_svg

__all__ = ["deck_page"]

_NOTES = re.compile(r'\s*<aside class="notes">.*?</aside>', re.DOTALL)
_QR = re.compile(r'<div class="qr">.*?</svg>\s*</div>', re.DOTALL)
ASSETS = "/_present/"


def deck_page(
    html: str, *, presenter: bool, audience_url: str | None, config: dict[str, Any]
) -> str:
    """`html` (the built deck) for the presenter's browser or for the audience's."""
    if not presenter:
        html = _NOTES.sub("", html)
    if audience_url is not None:
        html = _QR.sub(lambda _: f'<div class="qr">{qr_svg(audience_url)}</div>', html)
    settings = json.dumps({**config, "role": "presenter" if presenter else "audience"})
    # "</" cannot close the script early: JSON escapes it.
    settings = settings.replace("</", "<\\/")
    head = f'<link rel="stylesheet" href="{ASSETS}present.css">\n</head>'
    tail = (
        f'<script id="talksite-present" type="application/json">{settings}</script>\n'
        f'<script src="{ASSETS}present.js"></script>\n</body>'
    )
    return html.replace("</head>", head, 1).replace("</body>", tail, 1)
