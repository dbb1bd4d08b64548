"""The plugin's hooks, called directly on a loaded config: no site is built here."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import get_files

from talksite.plugin import ASSETS_DIR

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
    with pytest.raises(ValueError, match="talk.yml has no such layer; its layers are only-layer"):
        macros.macros["layer_outline"]("routing")


def test_the_facade_assets_are_added_to_every_page() -> None:
    config = configured(FIXTURE)
    assert f"{ASSETS_DIR}/talksite.css" in config.extra_css
    assert f"{ASSETS_DIR}/facade.js" in [str(script) for script in config.extra_javascript]
    files = config.plugins["talksite"].on_files(get_files(config), config=config)
    added = {file.src_uri for file in files}
    assert {f"{ASSETS_DIR}/facade.js", f"{ASSETS_DIR}/talksite.css"} <= added


def test_without_the_macros_plugin_the_error_says_how_to_fix_it() -> None:
    with pytest.raises(PluginError, match=r"add `- macros` after `- talksite`"):
        configured(FIXTURE, plugins=["search", "talksite"])


def test_a_broken_talk_file_is_a_plugin_error_naming_file_line_and_key(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    talk_file = project / "talk" / "talk.yml"
    talk_file.write_text(
        talk_file.read_text(encoding="utf-8").replace("  city: Testville\n", ""), encoding="utf-8"
    )
    with pytest.raises(PluginError, match=r"^talk/talk\.yml:\d+: event\.city: expected this key"):
        configured(project)
