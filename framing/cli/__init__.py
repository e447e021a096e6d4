"""The ``framing`` command (``framing.cli:main``): :mod:`~framing.cli.parser` (what it accepts),
:mod:`~framing.cli.commands` (what each subcommand does), :mod:`~framing.cli.app` (running one: ``main``)."""

from framing.cli.app import main
from framing.cli.parser import build_parser

__all__ = [
    "main",
    "build_parser",
]
