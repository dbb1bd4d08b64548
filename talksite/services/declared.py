"""Services a talk declares in mkdocs.yml (``snippet_services``), as entries of the same
registry as Redis: the command that starts one, the command that says it is ready, the URL a
run gets and in which variable, and the command that prints its version.

Their commands are argument lists (split as a shell would, but run by none), in which
``{port}`` is a free port on 127.0.0.1, ``{folder}`` the server's private folder (0700), and
``{password}`` a random password, also in ``{folder}/password`` (0600): a command line is
visible to every local user, so a server that reads its password from a file there keeps it.
"""

from __future__ import annotations

import functools
import re
import shlex
import subprocess
from collections.abc import Mapping
from pathlib import Path

from talksite.errors import SetupError
from talksite.processes import run
from talksite.services.kinds import Instance, ServiceKind

__all__ = ["declared_service"]

_FIELDS = ("name", "start", "ready", "url", "variable", "version")
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_VARIABLE = re.compile(r"[A-Z][A-Z0-9_]*")
_VERSION = re.compile(r"\d+(?:\.\d+)+")
#: How long one readiness check may take before it counts as not ready yet.
READY_CHECK_TIMEOUT_S = 5.0


def declared_service(options: Mapping[str, object], index: int, taken: set[str]) -> ServiceKind:
    """A service from one entry of ``snippet_services``; raises ValueError saying which field
    is wrong and what was expected. `taken`: the names of services already known."""
    where = f"snippet_services[{index}]"
    unknown = sorted(set(options) - set(_FIELDS))
    if unknown:
        raise ValueError(f"{where}: unknown field {unknown[0]!r}; expected {', '.join(_FIELDS)}")
    values: dict[str, str] = {}
    for name in _FIELDS:
        value = options.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where}.{name}: expected text, found {value!r}")
        values[name] = value.strip()
    name = values["name"]
    if not _NAME.fullmatch(name) or name.startswith("no-"):
        raise ValueError(f"{where}.name: {name!r}; expected a word such as 'memcached'")
    if name in taken:
        raise ValueError(f"{where}.name: {name} is taken; expected another")
    if not _VARIABLE.fullmatch(values["variable"]):
        raise ValueError(f"{where}.variable: {values['variable']!r}; expected one such as X_URL")
    start, ready = shlex.split(values["start"]), shlex.split(values["ready"])
    version = tuple(shlex.split(values["version"]))
    url = values["url"]
    return ServiceKind(
        name=name,
        variable=values["variable"],
        tool=Path(version[0]).name,
        prepare=functools.partial(_prepare, start),
        ready=functools.partial(_ready, ready),
        url_for_run=lambda instance, _run: _filled(url, instance),
        version=functools.partial(_version, version),
    )


def _filled(template: str, instance: Instance) -> str:
    values = {"port": str(instance.port), "folder": str(instance.folder)}
    values["password"] = instance.password
    for key, value in values.items():
        template = template.replace(f"{{{key}}}", value)
    return template


def _prepare(start: list[str], instance: Instance) -> list[str]:
    secret = instance.folder / "password"
    secret.touch(mode=0o600)
    secret.write_text(instance.password, encoding="utf-8")
    return [_filled(part, instance) for part in start]


def _ready(command: list[str], instance: Instance) -> bool:
    try:
        done = run([_filled(part, instance) for part in command], timeout_s=READY_CHECK_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@functools.cache
def _version(command: tuple[str, ...]) -> str:
    try:
        done = run(command, timeout_s=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SetupError(f"`{shlex.join(command)}` failed ({error}); expected a version")
    printed = (done.stdout or done.stderr).strip()
    found = _VERSION.search(printed)
    if done.returncode != 0 or found is None:
        raise SetupError(f"`{shlex.join(command)}` printed {printed[:80]!r}; expected a version")
    return found.group(0)
