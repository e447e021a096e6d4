"""The `framing` command."""

from framing.cli.commands import (
    main,
    build_parser,
)

__all__ = [
    "main",
    "build_parser",
]
