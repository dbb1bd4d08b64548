"""The plugin's hooks, called directly on a loaded config: no site is built here."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page

from talksite.site.plugin import ASSETS_DIR

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "minimal_talk"


def configured(project: Path, **overrides: object) -> MkDocsConfig:
    config = load_config(config_file=str(project / "mkdocs.yml"), **overrides)
    return config.plugins.on_config(config)


def test_the_site_is_named_after_the_talk() -> None:
    config = configured(FIXTURE)
    assert config.site_name == "Small fixtures make sturdy generators"
    assert config.site_author == "Ada Example"


def test_macros_get_the_talk_and_render_from_it() -> None:
    config = configured(FIXTURE)
    macros = config.plugins["macros"]
    assert macros.variables["talk"].speaker.name == "Ada Example"
    outline = macros.macros["layer_outline"]("only-layer")
    assert outline.startswith("# The only layer\n")
    assert "Layer 1 of 1 in this talk." in outline


def test_a_macro_called_wrongly_stops_the_build_naming_the_page_and_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = configured(FIXTURE)
    plugin, macros = config.plugins["talksite"], config.plugins["macros"]
    files = plugin.on_files(get_files(config), config=config)
    page = Page(None, files.get_file_from_path("only-layer.md"), config)
    plugin.on_pre_page(page, config=config, files=files)
    # The macro reports its error instead of raising it, so every such error is listed.
    assert macros.macros["layer_outline"]("routing") == ""
    with pytest.raises(PluginError, match=r"^talksite: 1 problem in the talk's files"):
        plugin.on_env(None, config=config, files=files)
    assert [record.getMessage() for record in caplog.records] == [
        "docs/only-layer.md:1: layer_outline('routing'): talk.yml has no such layer;"
        " expected one of only-layer"
    ]


def test_the_facade_assets_are_added_to_every_page() -> None:
    config = configured(FIXTURE)
    assert f"{ASSETS_DIR}/talksite.css" in config.extra_css
    assert f"{ASSETS_DIR}/facade.js" in [str(script) for script in config.extra_javascript]
    files = config.plugins["talksite"].on_files(get_files(config), config=config)
    added = {file.src_uri for file in files}
    assert {f"{ASSETS_DIR}/facade.js", f"{ASSETS_DIR}/talksite.css"} <= added


def test_without_the_macros_plugin_the_error_says_how_to_fix_it() -> None:
    with pytest.raises(
        PluginError, match=r"list `- macros` after `- talksite` under `plugins:` in mkdocs\.yml"
    ):
        configured(FIXTURE, plugins=["search", "talksite"])


def test_a_broken_talk_file_is_a_plugin_error_naming_file_line_and_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    talk_file = project / "talk" / "talk.yml"
    talk_file.write_text(
        talk_file.read_text(encoding="utf-8").replace("  city: Testville\n", ""), encoding="utf-8"
    )
    with pytest.raises(PluginError, match=r"^talksite: 1 problem in the talk's files"):
        configured(project)
    # Each problem is logged on a line of its own, before the build stops.
    (message,) = [record.getMessage() for record in caplog.records]
    assert re.match(r"talk/talk\.yml:\d+: event\.city: expected this key", message), message
