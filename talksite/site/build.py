"""``talksite build``: the site in three steps, built atomically into a new folder beside
``site/``, swapped in only on success.

1. The content check, and what the pages are made from (:mod:`talksite.site.prepare`): every
   problem in the talk's files is listed, one line each, before the engine starts.
2. The MkDocs-compatible engine's strict build (MkDocs, or the fork ``TALKSITE_ENGINE`` names:
   :mod:`talksite.engine`), with the talksite plugin as its adapter
   (:mod:`talksite.site.plugin`): the pages, their macros and links.
3. The steps on the built site (:mod:`talksite.site.finish`): the deck, the social cards and
   Open Graph tags, the Content-Security-Policy, and the PDF if asked.

MkDocs writes into its site folder as it goes and, in strict mode, gives up only afterwards,
so a failed ``mkdocs build`` leaves a half-written site. ``talksite build`` (what ``make site``
runs) builds into ``site.building-*/`` instead, and only a build that succeeds replaces
``site/``; a failed one leaves the previous site as it was and removes its own folder. So
does an interrupted one (Ctrl-C or SIGTERM unwind through it, see
:mod:`talksite.processes.interrupt`), even if its clean-up overruns the deadline.
``--pdf`` is set on the loaded config, as if mkdocs.yml said ``slides_pdf: true``.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, PluginError

from talksite import engine
from talksite.errors import SetupError, TalksiteError
from talksite.processes import interrupt
from talksite.project import PLUGIN_NAME, plugin_options
from talksite.site.finish import finish_site
from talksite.site.prepare import prepare
from talksite.site.problems import fail

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

__all__ = ["BuildFailed", "build_site"]

P = ParamSpec("P")
T = TypeVar("T")
#: Where the engine logs a plugin's error that stops its build.
_log = logging.getLogger("mkdocs.commands.build")


class BuildFailed(TalksiteError):
    """The build stopped; MkDocs has logged why, one line per problem."""


def build_site(
    config_file: Path, site_dir: Path, *, pdf: bool | None = None, handout: bool | None = None
) -> None:
    """Build strictly into a fresh folder, then put it in `site_dir`'s place; `pdf` and
    `handout`, if given, replace the ``slides_pdf`` and ``slides_handout`` options."""
    engine.check()
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    building = None
    try:
        # A signal the block defers is raised as it ends: inside the `try`, which removes
        # the folder.
        with interrupt.signals_deferred():  # made and on record at once
            building = Path(
                tempfile.mkdtemp(prefix=f"{site_dir.name}.building-", dir=site_dir.parent)
            )
            interrupt.register_folder(building)
        config = load_config(str(config_file), site_dir=str(building), strict=True)
        if pdf is not None:
            plugin_options(config).slides_pdf = pdf
        if handout is not None:
            plugin_options(config).slides_handout = handout
        _build_in_steps(config)
    except (Abort, ConfigurationError, PluginError, SetupError) as error:
        _remove(building)
        raise BuildFailed(str(error)) from None
    except BaseException:
        if building is not None:  # None: interrupted before the block made it
            _remove(building)
        raise
    with interrupt.signals_deferred():  # the old site or the new one in place, never neither
        _swap_in(building, site_dir)
        interrupt.forget_folder(building)


def _build_in_steps(config: MkDocsConfig) -> None:
    """The three steps, into the loaded `config`'s site folder."""
    prepared = _talksite_step(prepare, config)
    plugin = config.plugins[PLUGIN_NAME]
    # The plugin leaves step 3 to us. MkDocs keeps one plugin instance per process across
    # builds, so a later build (a test's, `mkdocs build`) must not find this talk here.
    plugin.given = prepared
    try:
        build(config)
    finally:
        plugin.given = None
    _talksite_step(finish_site, prepared, plugin.built)


def _talksite_step(step: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run one of talksite's own steps; its error stops the build as a plugin's error stops
    the engine's: each problem on a line of its own, then the error, logged; then Abort."""
    try:
        return step(*args, **kwargs)
    except TalksiteError as error:
        try:
            fail(error)
        except PluginError as stopped:
            _log.error(str(stopped))
            raise Abort("Aborted with a BuildError!") from None


def _remove(building: Path) -> None:
    shutil.rmtree(building, ignore_errors=True)
    interrupt.forget_folder(building)


def _swap_in(new: Path, site_dir: Path) -> None:
    """Replace `site_dir` with `new`: two renames, so the old site is whole until the last."""
    if site_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.old-", dir=site_dir.parent))
        old.rmdir()
        site_dir.rename(old)
        new.rename(site_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(site_dir)
    site_dir.chmod(0o755)  # mkdtemp made it private; a web server must read it
