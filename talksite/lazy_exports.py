"""The names a package re-exports from its modules, each module imported when one of its names
is first used (PEP 562's module ``__getattr__``).

The ``talksite`` command reads every command's arguments before it knows which one runs, and
most commands never need the deck or the browser; packages that imported all their modules up
front made each of some 140 processes of the suite pay for both.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, modules: dict[str, tuple[str, ...]]
) -> tuple[Callable[[str], Any], list[str]]:
    """A package's ``__getattr__`` and ``__all__``: each name in ``modules[module]`` is
    ``package.module``'s, imported on first use."""
    where = {name: f"{package}.{module}" for module, names in modules.items() for name in names}
    # Once imported, a module is its package's attribute of that name, whatever was exported.
    shared = sorted(set(where) & set(modules))
    if shared:
        raise ValueError(f"{package}: {', '.join(shared)} names both a module and an export")

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(where[name]), name)

    return __getattr__, sorted(where)
