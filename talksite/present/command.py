"""``talksite present``: its options, and the command."""

from __future__ import annotations

import argparse
import ipaddress
from pathlib import Path
from typing import TYPE_CHECKING

from talksite.errors import SetupError

if TYPE_CHECKING:
    from talksite.project import Project

__all__ = ["add_arguments", "run"]


def add_arguments(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "present", help="serve the deck for presenting, with live demos and audience pages"
    )
    parser.add_argument(
        "-f", "--config-file", type=Path, help="the talk's mkdocs.yml (default: found from here)"
    )
    parser.add_argument("--site", type=Path, help="a built site to serve (default: build one)")
    parser.add_argument("--port", type=_port, default=None, help="default 8400; 0: any free port")
    parser.add_argument(
        "--lan",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help="let the audience follow from the network, at ADDRESS (default: this machine's)",
    )
    parser.add_argument("--log", type=Path, help="default presenting-YYYYMMDD-HHMMSS.jsonl")


def run(args: argparse.Namespace, project: Project) -> int:
    # Starlette and uvicorn load only for this command.
    from talksite.present.listeners import lan_address
    from talksite.present.serve import DEFAULT_PORT, PresentSettings, present

    lan = args.lan if args.lan is None or args.lan else lan_address()
    if lan is not None and not _is_ipv4(lan):
        raise SetupError(f"--lan {lan}: expected this machine's IPv4 address, as 192.168.1.20")
    port = DEFAULT_PORT if args.port is None else args.port
    return present(PresentSettings(project, args.site, port, lan, args.log))


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535, not {text!r}")
    return int(text)


def _is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True
