"""The Jinja environment for talksite's own HTML fragments (``talksite/site/templates/``).

These are pieces of pages, not MkDocs theme templates: macros render them and MkDocs places
the result in the page's Markdown. HTML and SVG are autoescaped, so talk.yml text can never
break the markup it is put in.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

__all__ = ["render"]


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("talksite.site", "templates"),
        autoescape=jinja2.select_autoescape(["html", "svg"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: Any) -> str:
    """Render one of talksite's templates; a missing variable is an error, never blank."""
    return _environment().get_template(template).render(**context)
