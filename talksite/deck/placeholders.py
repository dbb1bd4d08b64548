"""The deck's placeholders: ``{{ name }}`` values and ``{{ kind("LAYER/NAME.out") }}`` diagrams.

A slide may hold ``{{ site_url }}``, ``{{ qr_code }}``, or a call of a diagram kind with the
syntax pages use (``{{ timeline("outage/run.out") }}``; the kinds are in
:mod:`talksite.diagrams.kinds`), read as a page's macro calls are (:mod:`talksite.references`).
On the deck a diagram becomes its SVG; on "Slides as text", its text alternative. Python-Markdown must not see an SVG (it would wrap or escape parts of
it), so the deck gets a token in its place and swaps the figure in after rendering.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from talksite.deck.slides import DeckError, Slide
from talksite.diagrams import Figure
from talksite.errors import ContentError, MacroError
from talksite.references import MacroCall, replace_calls

__all__ = ["Placeholders"]

_TOKEN = "talksite-deck-figure-{}-here"


@dataclass
class Placeholders:
    """What the placeholders of one deck stand for.

    ``values``: plain names (``site_url``). ``figures``: diagram kinds by name. ``as_text``:
    write a figure's text alternative (for "Slides as text") instead of a token for its SVG.
    """

    values: Mapping[str, str]
    figures: Mapping[str, Callable[..., Figure]] = field(default_factory=dict)
    as_text: bool = False
    #: Each token given out, and the figure's HTML that replaces it.
    drawn: dict[str, str] = field(default_factory=dict)

    def substitute(self, text: str, slide: Slide, source: str) -> str:
        """``text`` with every placeholder replaced; an unknown one fails naming the slide."""
        return replace_calls(text, lambda call: self._replace(call, slide, source))

    def finish(self, rendered: str) -> str:
        """Rendered HTML with each figure's token replaced by the figure."""
        for token, figure in self.drawn.items():
            rendered = rendered.replace(f"<p>{token}</p>", figure).replace(token, figure)
        return rendered

    def _replace(self, placeholder: MacroCall, slide: Slide, source: str) -> str:
        name = placeholder.name
        if placeholder.call is None and name in self.values:
            return self.values[name]
        if placeholder.call is None or name not in self.figures:
            known = [f"{{{{ {n} }}}}" for n in self.values]
            known += [f'{{{{ {n}("LAYER/NAME.out") }}}}' for n in self.figures]
            what = f"unknown placeholder {placeholder.text!r}"
            raise DeckError(slide.problem(source, what, f"expected one of {', '.join(known)}"))
        try:
            args, kwargs = placeholder.arguments()
        except ValueError as error:
            what = f"cannot read {placeholder.text!r}"
            raise DeckError(slide.problem(source, what, "expected literal arguments")) from error
        try:
            figure = self.figures[name](*args, **kwargs)
        except MacroError as error:
            raise DeckError(slide.problem(source, error.what, error.expected)) from error
        except ContentError as error:
            raise DeckError(error.problems) from error
        if self.as_text:
            # Raw HTML, so that Markdown leaves the recorded text (brackets, stars) alone.
            return f'\n\n<p class="figure-text"><strong>Diagram:</strong> {html.escape(figure.text)}</p>\n\n'
        token = _TOKEN.format(len(self.drawn))
        self.drawn[token] = figure.html
        return token
