"""The talk's project: its mkdocs.yml, and the files and options the talksite plugin names there.

The plugin's options are declared once, with their types, by MkDocs' config classes
(:class:`~talksite.site.options.PluginConfig`); a :class:`Project` is what one loaded config
makes of them: absolute paths, and the values ``!ENV`` overrides gave at load time. The plugin
and every command (``talksite build``, ``run``, ``record``, ``present``, the pytest plugin) read
the talk, the slides and the snippets through it, so that they all find the same folders.

The plugin makes its project from the config MkDocs loaded for the build. The commands read
mkdocs.yml with MkDocs' own YAML loader (``!ENV``, ``INHERIT``) and check the plugin's options
alone, by the same declarations: loading all of mkdocs.yml imports and sets up the theme, every
plugin and every Markdown extension, 0.2 s of CPU that ``talksite run`` and each pytest session
spent for nothing but a few paths (the build loads and checks the rest).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import ConfigurationError
from mkdocs.utils.yaml import yaml_load

from talksite.errors import SetupError
from talksite.services import declared_service
from talksite.site.options import PluginConfig
from talksite.snippets.kinds import SERVICES, SnippetSettings, declared_kind

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

__all__ = [
    "CONFIG_NAME",
    "PLUGIN_NAME",
    "Project",
    "find_config_file",
    "load_project",
    "plugin_options",
]

CONFIG_NAME = "mkdocs.yml"
PLUGIN_NAME = "talksite"


@dataclass(frozen=True)
class Project:
    """One talk's files, as its mkdocs.yml names them, with absolute paths."""

    config_file: Path
    #: The folder of mkdocs.yml: the plugin's paths are relative to it.
    folder: Path
    talk_file: Path
    snippets_dir: Path
    slides_file: Path
    #: Also print the deck to PDF.
    slides_pdf: bool
    #: Also print the handout: slides, notes and verified snippets.
    slides_handout: bool
    #: The PostgreSQL majors every test run checks the snippets on.
    verified_on: tuple[int, ...]
    #: Where drawn social cards are kept between builds.
    cards_cache_dir: Path
    #: The snippets' kinds beyond the built-in ones, and what they need by default.
    snippet_settings: SnippetSettings = SnippetSettings()
    #: Every slide must have speaker notes (the checks say so of each that has none).
    require_notes: bool = True

    @classmethod
    def from_config(cls, config: MkDocsConfig) -> Project:
        """The project a loaded mkdocs.yml describes; it must list the talksite plugin."""
        config_file = Path(config.config_file_path or CONFIG_NAME).resolve()
        return cls.from_options(config_file, plugin_options(config))

    @classmethod
    def from_options(cls, config_file: Path, options: PluginConfig) -> Project:
        """The project of the talksite plugin's checked options in ``config_file``."""
        folder = config_file.parent

        def path(relative: str) -> Path:
            return Path(os.path.normpath(folder / relative))

        return cls(
            config_file=config_file,
            folder=folder,
            talk_file=path(options.talk_file),
            snippets_dir=path(options.snippets_dir),
            slides_file=path(options.slides_file),
            slides_pdf=options.slides_pdf,
            slides_handout=options.slides_handout,
            verified_on=tuple(options.verified_on),
            cards_cache_dir=path(options.cards_cache_dir),
            snippet_settings=_snippet_settings(config_file, options),
            require_notes=options.require_notes,
        )

    def relative(self, path: Path) -> str:
        """How messages name a path: relative to mkdocs.yml's folder where it can be."""
        try:
            return path.relative_to(self.folder).as_posix()
        except ValueError:
            return str(path)


def _snippet_settings(config_file: Path, options: PluginConfig) -> SnippetSettings:
    """The kinds and services mkdocs.yml declares, and the services snippets need by
    default."""
    kinds = []
    for index, declared in enumerate(options.snippet_kinds):
        try:
            kinds.append(declared_kind(declared, index))
        except ValueError as error:
            raise SetupError(f"{config_file}: plugins.talksite.{error}") from None
    extensions = [kind.extension for kind in kinds]
    repeated = sorted({extension for extension in extensions if extensions.count(extension) > 1})
    if repeated:
        raise SetupError(
            f"{config_file}: plugins.talksite.snippet_kinds declares {repeated[0]} twice;"
            " expected each extension once"
        )
    declared = []
    for index, entry in enumerate(options.snippet_services):
        taken = {*SERVICES, *(service.name for service in declared)}
        try:
            declared.append(declared_service(entry, index, taken))
        except ValueError as error:
            raise SetupError(f"{config_file}: plugins.talksite.{error}") from None
    settings = SnippetSettings.of(kinds, options.snippet_needs, declared)
    unknown = [name for name in options.snippet_needs if name not in settings.service_names]
    if unknown:
        raise SetupError(
            f"{config_file}: plugins.talksite.snippet_needs: unknown service {unknown[0]!r};"
            f" expected one of {', '.join(settings.service_names)}"
        )
    return settings


def plugin_options(config: MkDocsConfig) -> PluginConfig:
    """The talksite plugin's options in a loaded mkdocs.yml; it must list the plugin."""
    plugin = config.plugins.get(PLUGIN_NAME)
    if plugin is None:
        raise _not_listed(Path(config.config_file_path or CONFIG_NAME).resolve())
    return plugin.config  # type: ignore[return-value]


def _not_listed(config_file: Path) -> SetupError:
    return SetupError(
        f"{config_file}: the talksite plugin is not listed under plugins:; add `- talksite` there"
    )


def find_config_file(start: Path | None = None) -> Path:
    """The mkdocs.yml of the current folder (or ``start``), else of the nearest folder above."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    raise SetupError(
        f"no {CONFIG_NAME} in {here} or any folder above it; run talksite in a talk's folder,"
        " or give its mkdocs.yml with -f"
    )


def load_project(config_file: Path | None = None) -> Project:
    """The project of mkdocs.yml (found from the current folder unless given)."""
    config_file = config_file or find_config_file()
    if not config_file.is_file():
        raise SetupError(f"{config_file}: no such file; give the talk's mkdocs.yml with -f")
    try:
        with config_file.open("rb") as file:
            settings = yaml_load(file)
    except ConfigurationError as error:
        raise SetupError(f"{config_file}: {error}") from None
    except OSError as error:
        raise SetupError(f"{config_file}: cannot read it ({error.strerror})") from None
    config_file = config_file.resolve()
    return Project.from_options(config_file, _checked_options(config_file, settings))


def _checked_options(config_file: Path, settings: object) -> PluginConfig:
    """The talksite plugin's options in mkdocs.yml's ``settings``, checked as MkDocs checks
    them for the build; an option it does not know is an error here too (the build is strict)."""
    listed = settings.get("plugins") if isinstance(settings, dict) else None
    found = [options for name, options in _plugins(listed) if name == PLUGIN_NAME]
    if not found:
        raise _not_listed(config_file)
    options = found[0] or {}  # `- talksite:` with nothing under it is None
    if not isinstance(options, dict):
        raise SetupError(f"{config_file}: plugins.talksite: expected its options, a mapping")
    checked = PluginConfig(config_file_path=str(config_file))
    checked.load_dict(options)
    errors, warnings = checked.validate()
    problems = [*errors, *warnings]
    if problems:
        key, problem = problems[0]
        raise SetupError(f"{config_file}: plugins.talksite.{key}: {problem}")
    return checked


def _plugins(listed: object) -> Iterator[tuple[object, object]]:
    """Each plugin mkdocs.yml lists and its options, from a list (``- name`` or
    ``- name: {options}``) or a mapping, as MkDocs reads either."""
    if isinstance(listed, dict):
        yield from listed.items()
    elif isinstance(listed, list):
        for entry in listed:
            if isinstance(entry, dict) and len(entry) == 1:
                yield next(iter(entry.items()))
            else:
                yield entry, {}
