"""The `avstem` command line. Each sub-command lives beside the code it drives."""

from __future__ import annotations

import argparse
import importlib
import sys

# Modules that define `register(subparsers)`; each adds its own sub-commands.
COMMAND_MODULES = [
    "avstem.commands.web",
    "avstem.formats.cli",
    "avstem.sandbox_bank.cli",
    "avstem.banking.cli",
    "avstem.reconciliation.cli",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="avstem", description="Avstem: bank and Altinn integration for Norwegian accounting."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
