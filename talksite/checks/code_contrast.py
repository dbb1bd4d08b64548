"""The contrast of the text in code blocks, which axe-core cannot judge on talksite's pages.

Every ``pre > code`` has a background of gradients as well as a colour (the edge shadows of a
block that scrolls, talksite.css); axe-core leaves the contrast of each token against such a
background "incomplete", and spends half its time on a page of code working that out. This
computes WCAG's contrast ratio of each piece of code's colour against the solid colour behind
it (the block's, or a highlighted line's), the same for every talk, in the scheme the page is
shown in; each colour pair below the ratio is one problem, however often it occurs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from talksite.wording import counted

if TYPE_CHECKING:
    from playwright.sync_api import Page

__all__ = ["CODE", "CONTRAST_FUNCTIONS", "MINIMUM_RATIO", "low_contrast_code"]

#: What axe leaves to this module.
CODE = "pre > code"
#: WCAG 2's level AA for text of code's size (1.4.3 Contrast (Minimum)).
MINIMUM_RATIO = 4.5

#: WCAG's contrast ratio in the page's own terms, to open a function given to page.evaluate:
#: ``rgba(css)`` reads a computed colour (``null`` if it is not ``rgb()``/``rgba()``), and
#: ``contrast(colour, ground)`` is the ratio of ``colour``, its alpha laid over the opaque
#: ``ground``, against ``ground``.
CONTRAST_FUNCTIONS = """
  const rgba = (css) => {
    const parts = css.match(/rgba?\\(([^)]*)\\)/);
    if (!parts) return null;
    const [r, g, b, a = 1] = parts[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  const luminance = (channels) => {
    const linear = channels.slice(0, 3).map((value) => {
      const v = value / 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  };
  const contrast = (colour, ground) => {
    const seen = colour.slice(0, 3).map((v, i) => v * colour[3] + ground[i] * (1 - colour[3]));
    const [light, dark] = [luminance(seen), luminance(ground)].sort((a, b) => b - a);
    return (light + 0.05) / (dark + 0.05);
  };
"""

#: Each colour pair of the page's code below ``minimum``: ratio, colours, how often, an example.
_FIND = (
    "([selector, minimum]) => {"
    + CONTRAST_FUNCTIONS
    + """
  const behind = (element) => {
    for (let at = element; at; at = at.parentElement) {
      const colour = rgba(getComputedStyle(at).backgroundColor);
      if (colour && colour[3] > 0) return colour;
    }
    return [255, 255, 255, 1];
  };
  const pairs = new Map();
  for (const code of document.querySelectorAll(selector)) {
    const texts = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    for (let text = texts.nextNode(); text; text = texts.nextNode()) {
      const element = text.parentElement;
      const style = getComputedStyle(element);
      const colour = rgba(style.color);
      if (!text.data.trim() || !colour || style.visibility !== "visible") continue;
      const ground = behind(element);
      const ratio = contrast(colour, ground);
      if (ratio >= minimum) continue;
      const key = `${style.color} on ${ground}`;
      const pair = pairs.get(key) || {ratio, colour: style.color, ground: `rgb(${ground.slice(0, 3).join(", ")})`,
        example: text.data.trim().slice(0, 40), kind: element.className || element.localName, times: 0};
      pair.times += 1;
      pairs.set(key, pair);
    }
  }
  return [...pairs.values()];
}"""
)


def low_contrast_code(page: Page) -> list[str]:
    """One line per colour of the page's code that reads below :data:`MINIMUM_RATIO`."""
    return [
        f"code-contrast at {CODE} .{pair['kind']}: {pair['colour']} on {pair['ground']} is"
        f" {pair['ratio']:.2f}:1, expected {MINIMUM_RATIO}:1 or more"
        f" ({counted(pair['times'], 'time')}, e.g. {pair['example']!r})"
        for pair in page.evaluate(_FIND, [CODE, MINIMUM_RATIO])
    ]
