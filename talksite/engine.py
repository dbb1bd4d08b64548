"""The MkDocs-compatible engine that builds the site: MkDocs 1.6 itself, or ProperDocs, its
maintained fork (see "Engine" in the README).

``TALKSITE_ENGINE`` chooses it: ``mkdocs`` (the default) or ``properdocs`` (installed with
``pip install 'talksite[properdocs]'``; ``make site ENGINE=properdocs`` does both). ProperDocs
is a package of its own, ``properdocs``, and answers every ``import mkdocs…`` once its
``properdocs.replacement`` is imported; so the choice is made when talksite is first imported
(:func:`activate`, from ``talksite/__init__.py``), before anything imports ``mkdocs``, and
talksite, Material and mkdocs-macros all run on the engine chosen without naming it.

In a process that an engine's own command started (``mkdocs serve``, ``properdocs serve``),
``mkdocs`` is imported already and that engine stays. ``talksite build`` checks that the engine
running is the one chosen (:func:`check`): a wrong name or a missing fork is one line.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import sys
from dataclasses import dataclass

from talksite.errors import SetupError

__all__ = ["ENGINE", "ENGINES", "Engine", "activate", "check", "chosen", "running"]

#: The variable that chooses the engine.
ENGINE = "TALKSITE_ENGINE"


@dataclass(frozen=True)
class Engine:
    """One engine: its name (as ``TALKSITE_ENGINE`` and the Makefile's ``ENGINE`` say it)."""

    name: str
    #: The module that makes ``import mkdocs`` give this engine, if it is not MkDocs itself.
    alias: str | None
    #: The logger its messages go to; plugins log under ``mkdocs…`` whatever the engine.
    logger: str
    #: How to install it, for the message when it is missing.
    install: str


ENGINES = {
    "mkdocs": Engine("mkdocs", alias=None, logger="mkdocs", install="pip install talksite"),
    "properdocs": Engine(
        "properdocs",
        alias="properdocs.replacement",
        logger="properdocs",
        install="pip install 'talksite[properdocs]' (make ENGINE=properdocs does)",
    ),
}


def chosen() -> Engine:
    """The engine ``TALKSITE_ENGINE`` names; MkDocs when it is unset or empty."""
    name = os.environ.get(ENGINE) or "mkdocs"
    if name not in ENGINES:
        raise SetupError(f"{ENGINE}={name}: no such engine; expected one of {', '.join(ENGINES)}")
    return ENGINES[name]


def running() -> str:
    """The name of the engine that ``import mkdocs`` gives in this process."""
    import mkdocs

    return "properdocs" if mkdocs.__name__ == "properdocs" else "mkdocs"


def activate() -> None:
    """Make ``import mkdocs`` give the chosen engine, unless ``mkdocs`` is imported already.

    A wrong name or a missing fork is left for :func:`check` to report in one line: this runs
    while talksite is imported, where an error would be a traceback.
    """
    try:
        engine = chosen()
    except SetupError:
        return
    if engine.alias is not None and "mkdocs" not in sys.modules:
        try:
            importlib.import_module(engine.alias)
        except ImportError:
            return


def check() -> Engine:
    """The chosen engine, which is running here; and MkDocs' plugins' messages (``mkdocs…``
    loggers) go where the engine's own go, so that strict mode counts their warnings."""
    engine = chosen()
    if running() != engine.name:
        top = (engine.alias or engine.name).split(".")[0]
        if importlib.util.find_spec(top) is None:
            raise SetupError(f"{ENGINE}={engine.name}, but it is not installed: {engine.install}")
        raise SetupError(
            f"{ENGINE}={engine.name}, but {running()} was imported before talksite chose"
            " the engine: import talksite first"
        )
    if engine.logger != "mkdocs":
        logging.getLogger("mkdocs").parent = logging.getLogger(engine.logger)
    return engine
