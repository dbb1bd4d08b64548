"""External links in the built site are listed, never fetched; and the link checker can fail.

That every internal link and anchor resolves is one of talksite's own checks, which the pytest
plugin generates from mkdocs.yml (``mkdocs.yml::links``; talksite.checks.links). External
links go to ``artifacts/external-links.txt`` with the pages that hold them.
"""

from __future__ import annotations

from pathlib import Path

from browser_support import REPO, BuiltSite

from talksite.checks.links import check_links
from talksite.site.video import watch_url
from talksite.talk import Talk

ARTIFACTS = REPO / "artifacts"


def test_external_links_are_listed_not_fetched(built_site: BuiltSite, this_talk: Talk) -> None:
    report = check_links(built_site)
    ARTIFACTS.mkdir(exist_ok=True)
    listing = ARTIFACTS / "external-links.txt"
    lines = [f"{url}\t{' '.join(names)}" for url, names in report.external.items()]
    listing.write_text(
        "# External links in the built site (not fetched), each with the pages that hold it.\n"
        + "\n".join(lines)
        + "\n",
        encoding="utf-8",
    )
    assert watch_url(this_talk.video) in report.external
    assert "index.html" in report.external[watch_url(this_talk.video)]
    assert this_talk.talk_page in report.external


def test_the_checker_finds_missing_files_and_anchors(tmp_path: Path) -> None:
    """The checker itself can fail: a made-up site with one good and four broken links."""
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<h1 id="top">Home</h1><a href="a/#here">good</a> <a href="a/#gone">no anchor</a>'
        ' <a href="b/">no page</a> <img src="missing.png" alt=""> <a href="#nowhere">self</a>'
        ' <a href="https://example.org/">external</a> <a href="#top">top</a>',
        encoding="utf-8",
    )
    (tmp_path / "a" / "index.html").write_text(
        '<p id="here">Here</p><a href="../">home</a>', encoding="utf-8"
    )
    report = check_links(BuiltSite(tmp_path))
    assert report.broken == [
        "index.html:1: 'a/#gone': no id 'gone' in a/index.html",
        "index.html:1: 'b/': no file b",
        "index.html:1: 'missing.png': no file missing.png",
        "index.html:1: '#nowhere': no id 'nowhere' in index.html",
    ]
    assert report.external == {"https://example.org/": ["index.html"]}
