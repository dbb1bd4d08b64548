"""The full build's time beside the same pages built with plain Material (budget: <= 1.5 x).

Usage: python benchmarks/build_overhead.py [--runs N]
Prints each run, the medians and the ratio. Not a test: figures only.

Method. The pages cannot be built without talksite, because they call its macros. So the
script first captures, from one real build, every page's Markdown as it leaves the macros
(hero, video facade, snippet includes, the generated "Slides as text" page), through a MkDocs
hook that runs after every plugin. Then it builds two projects, each in a fresh
``python -m mkdocs build`` process, alternately, N times each:

- talksite: the project's own mkdocs.yml (``--strict``): talk.yml checked, macros rendered,
  the deck rendered and copied with reveal.js, talksite's CSS and scripts, and a social card
  per page, copied from the cards cache (warmed by the capture build), as on every build
  after the first;
- talksite, cards cold: the same with an empty cards cache each run, so every card is drawn;
- plain Material: the captured Markdown with the same theme, nav and Markdown extensions
  (pymdownx.snippets still reads the same snippet files and outputs), and only the search
  plugin.

The difference is what talksite adds to a build of the same pages. The budget applies to the
usual build, with the cards cached; the cold figure shows what drawing them all costs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import yaml
from mkdocs.utils.yaml import yaml_load

REPO = Path(__file__).resolve().parent.parent
BUDGET = 1.5

CAPTURE_HOOK = textwrap.dedent(
    '''
    """Write each page's Markdown, after every plugin, under TALKSITE_CAPTURE_DIR."""
    import os
    from pathlib import Path

    from mkdocs.plugins import event_priority


    @event_priority(-100)
    def on_page_markdown(markdown, page, config, files):
        target = Path(os.environ["TALKSITE_CAPTURE_DIR"]) / page.file.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")
        return markdown
    '''
)


def mkdocs_build(*args: str, env: dict[str, str] | None = None) -> float:
    """One ``mkdocs build`` in a fresh process, from the repository; returns seconds."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet", *args],
        cwd=REPO,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **(env or {})),
        check=True,
    )
    return time.perf_counter() - started


def capture_pages(work: Path) -> Path:
    """Build the real site once with the capture hook; returns the captured docs folder."""
    docs = work / "captured-docs"
    hook = work / "capture_hook.py"
    hook.write_text(CAPTURE_HOOK, encoding="utf-8")
    config = yaml_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["hooks"] = [str(hook)]
    config["docs_dir"] = str(REPO / "docs")
    # Beside the repository's own file, so that relative paths in the plugin options hold.
    config_file = REPO / f".capture-{os.getpid()}.yml"
    try:
        config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
        mkdocs_build(
            "-f", str(config_file), "-d", str(work / "capture-site"),
            env={"TALKSITE_CAPTURE_DIR": str(docs)},
        )  # fmt: skip
    finally:
        config_file.unlink(missing_ok=True)
    return docs


def cold_cards_config(work: Path, run: int) -> Path:
    """The project's mkdocs.yml with an empty cards cache of its own, beside the original."""
    config = yaml_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "talksite" in plugin:
            plugin["talksite"]["cards_cache_dir"] = str(work / f"cold-cards-{run}")
    config_file = REPO / f".cold-cards-{os.getpid()}.yml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    return config_file


def plain_config(work: Path, docs: Path) -> Path:
    """Plain Material over the captured pages: same theme, nav and extensions, search only."""
    config = yaml_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["site_name"] = "plain Material"
    config["docs_dir"] = str(docs)
    config["plugins"] = ["search"]
    config.pop("watch", None)
    for extension in config["markdown_extensions"]:
        if isinstance(extension, dict) and "pymdownx.snippets" in extension:
            extension["pymdownx.snippets"]["base_path"] = [str(REPO / "snippets")]
    # Pages link the deck, which only talksite builds: not an error for this comparison.
    config["validation"] = {"unrecognized_links": "info", "omitted_files": "info"}
    config_file = work / "plain.yml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    return config_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="build-overhead-") as tmp:
        work = Path(tmp)
        docs = capture_pages(work)
        pages = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
        print(f"pages: {len(pages)} ({', '.join(pages)})")
        plain = plain_config(work, docs)
        ours: list[float] = []
        cold: list[float] = []
        theirs: list[float] = []
        for run in range(1, arguments.runs + 1):
            ours.append(mkdocs_build("--strict", "-d", str(work / "site-talksite")))
            cold_config = cold_cards_config(work, run)
            try:
                site = str(work / "site-cold")
                cold.append(mkdocs_build("--strict", "-f", str(cold_config), "-d", site))
            finally:
                cold_config.unlink(missing_ok=True)
            theirs.append(mkdocs_build("-f", str(plain), "-d", str(work / "site-plain")))
            print(
                f"run {run}: talksite {ours[-1]:.2f} s, talksite cards cold {cold[-1]:.2f} s,"
                f" plain Material {theirs[-1]:.2f} s"
            )
    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    cold_median = statistics.median(cold)
    ratio, cold_ratio = ours_median / theirs_median, cold_median / theirs_median
    print(
        f"median: talksite {ours_median:.2f} s, talksite cards cold {cold_median:.2f} s,"
        f" plain Material {theirs_median:.2f} s"
    )
    print(
        f"overhead ratio (cards cached): {ratio:.2f} x"
        f" (budget <= {BUDGET} x: {'within' if ratio <= BUDGET else 'OVER'})"
    )
    print(f"overhead ratio (cards cold): {cold_ratio:.2f} x")


if __name__ == "__main__":
    main()
