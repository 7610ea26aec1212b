"""The ``ccresearch`` command: a thin layer over the library.

Each sub-command lives with the code it drives; this module only wires them together and turns
:class:`~ccresearch.errors.InputError` into exit status 2 with a one-line message.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from ccresearch.errors import InputError

# modules that contribute sub-commands: each has ``register(subparsers) -> None`` and sets
# ``func`` on its parsers (a callable taking the parsed namespace and returning an exit status)
_COMMAND_MODULES = ("data", "runs")


def make_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    import importlib

    parser = argparse.ArgumentParser(
        prog="ccresearch",
        description="Evidence base, analyses and reports on the Dutch contact-centre sector.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        module = importlib.import_module(f".{name}", __package__)
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 failure, 2 bad input)."""
    parser = make_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return int(func(args) or 0)
    except InputError as exc:
        print(f"ccresearch {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
