"""The browser checks look at a page once it has done what its load set off, not at a fixed
moment after it: a request a script makes late, an image loaded lazily when scrolled to, and
markup a script adds on an idle moment are all seen (RequestLog.settle). The dark axe run,
with the rules a colour scheme can change, finds what only the dark scheme gets wrong; code
colours axe cannot judge are judged by talksite.checks.code_contrast."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from browser_support import BuiltSite, serve

from talksite.checks import axe, privacy
from talksite.checks.registry import Target
from talksite.checks.site import Build

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

ELSEWHERE = "https://elsewhere.invalid"
#: A request made after load, from a timer, then from the answer to a local one.
LATE_REQUESTS = f"""<!doctype html><html lang="en"><head><title>Late</title></head><body>
<main><h1>Late</h1><p>Text.</p></main>
<script>
const ignore = () => {{}};  // offline here: the failure is expected
setTimeout(() => fetch("late.txt").then(() => fetch("{ELSEWHERE}/after-local.txt")).catch(ignore), 50);
requestIdleCallback(() => fetch("{ELSEWHERE}/on-idle.txt").catch(ignore));
</script></body></html>"""
#: An image far below the fold, asked for only once the page is scrolled to it.
LAZY_IMAGE = f"""<!doctype html><html lang="en"><head><title>Lazy</title></head><body>
<main><h1>Lazy</h1><div style="height: 5000px"></div>
<img loading="lazy" src="{ELSEWHERE}/lazy.png" alt="Far down" width="10" height="10">
</main></body></html>"""
#: Text that reads in the light scheme and hardly in the dark one.
DARK_ONLY_CONTRAST = """<!doctype html><html lang="en"><head><title>Dark</title><style>
p { color: #111; background: #fff; }
@media (prefers-color-scheme: dark) { p { color: #222; background: #000; } }
</style></head><body><main><h1>Dark</h1><p>Hard to read in the dark.</p></main></body></html>"""
#: Code on a background with talksite's edge shadows (gradients, which axe cannot judge): a
#: keyword that reads, a comment that hardly does, and a highlighted line that hides a name.
FAINT_CODE = """<!doctype html><html lang="en"><head><title>Code</title><style>
pre > code { display: block; background: linear-gradient(to right, #fff 30%, transparent)
  left / 2rem 100% no-repeat local, #fff; }
.k { color: #1d4ed8; } .c { color: #bbb; } .hll { background: #222; } .n { color: #333; }
</style></head><body><main><h1>Code</h1><pre><code><span class="k">SELECT</span> 1;
<span class="c">-- faint</span>
<span class="hll"><span class="n">name</span></span></code></pre></main></body></html>"""
#: An image without a text alternative, added by a script when the page is idle.
IDLE_MARKUP = """<!doctype html><html lang="en"><head><title>Idle</title></head><body>
<main><h1>Idle</h1></main>
<script>
requestIdleCallback(() => {
  const image = document.createElement("img");
  image.src = "/missing-alt.png";
  document.querySelector("main").append(image);
});
</script></body></html>"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BuiltSite, str]]:
    site = tmp_path_factory.mktemp("checked") / "site"
    for path, html in {
        "index.html": LATE_REQUESTS,
        "lazy/index.html": LAZY_IMAGE,
        "idle/index.html": IDLE_MARKUP,
        "dark/index.html": DARK_ONLY_CONTRAST,
        "code/index.html": FAINT_CODE,
    }.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(html, encoding="utf-8")
    (site / "late.txt").write_text("late\n", encoding="utf-8")
    (site / "missing-alt.png").write_bytes(b"")
    with serve(site) as url:
        yield BuiltSite(site), url


@pytest.fixture(scope="module")
def light(browser: Browser, served: tuple[BuiltSite, str]) -> list[str]:
    """What axe-light finds on every page of the served site (one run for the tests below)."""
    return axe.find_light(browser, target(*served))


def target(site: BuiltSite, url: str) -> Target:
    return Target(project=None, build=Build(site, (), 0.0), url=url)  # type: ignore[arg-type]


def test_privacy_hears_requests_made_after_load_and_after_scrolling(
    browser: Browser, served: tuple[BuiltSite, str]
) -> None:
    found = privacy.find(browser, target(*served))
    asked = sorted(line.rsplit(" ", 1)[1] for line in found)
    assert asked == [
        f"{ELSEWHERE}/after-local.txt",
        f"{ELSEWHERE}/lazy.png",
        f"{ELSEWHERE}/on-idle.txt",
    ], found
    assert all(": asks another host: " in line for line in found), found


def test_axe_judges_what_a_script_added_when_the_page_was_idle(light: list[str]) -> None:
    assert [line for line in light if line.startswith("site/idle/index.html: image-alt")], light


def test_the_dark_run_finds_what_only_the_dark_scheme_gets_wrong(
    browser: Browser, served: tuple[BuiltSite, str], light: list[str]
) -> None:
    dark = [line for line in axe.find_dark(browser, target(*served)) if "/dark/" in line]
    assert len(dark) == 1 and "color-contrast (serious)" in dark[0], dark
    assert dark[0].endswith("(dark)"), dark
    assert [line for line in light if "/dark/" in line] == [], light


def test_code_colours_axe_cannot_judge_are_judged_each_colour_once(light: list[str]) -> None:
    found = [line for line in light if "/code/" in line]
    assert found == [
        "site/code/index.html: code-contrast at pre > code .c: rgb(187, 187, 187) on"
        " rgb(255, 255, 255) is 1.92:1, expected 4.5:1 or more (1 time, e.g. '-- faint') (light)",
        "site/code/index.html: code-contrast at pre > code .n: rgb(51, 51, 51) on"
        " rgb(34, 34, 34) is 1.26:1, expected 4.5:1 or more (1 time, e.g. 'name') (light)",
    ], found
