"""The ``framing`` command: parse, run the subcommand, turn every failure into one line and an exit code.

Exit codes: 0 ok; 1 problems found in the data (``validate``) or a failed run; 2 a usage error.
Progress bars, the reading account, warnings and errors go to stderr (one line each, no traceback);
results to stdout. A failed run leaves no output behind.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from collections.abc import Iterator

from framing.cli import commands
from framing.cli.commands import EXIT_FAILED, EXIT_USAGE
from framing.cli.parser import UsageError, build_parser
from framing.cli.signals import EXIT_TERMINATED, Terminated, terminate_as_interrupt
from framing.errors import CorpusError, FramingError

__all__ = ["main", "one_line_warning"]

_READERS = ("compare", "trends", "kwic", "lexicon")  # commands that read a corpus with --errors raise by default


def one_line_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                     line: str | None = None) -> str:
    """Warnings as ``framing: warning: <message>`` on one line (no source path, no source line)."""
    text = " ".join(str(message).split())
    kind = "" if category in (UserWarning, Warning) else f" ({category.__name__})"
    return f"framing: warning{kind}: {text}\n"


@contextlib.contextmanager
def _clean_warnings() -> Iterator[None]:
    old = warnings.formatwarning
    warnings.formatwarning = one_line_warning
    try:
        yield
    finally:
        warnings.formatwarning = old


def _hint(command: str, exc: FramingError) -> str:
    if isinstance(exc, CorpusError) and exc.line is not None and command in _READERS:
        return " (or --errors collect to set bad records aside and go on)"
    if isinstance(exc, CorpusError) and exc.line is not None and command == "analyze":
        return " (or leave out --errors raise/--strict to collect bad records into rejects.csv)"
    return ""


def main(argv: list[str] | None = None) -> int:
    """Run ``framing`` with ``argv`` (default: the command line); the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on a usage error
    with _clean_warnings(), terminate_as_interrupt():  # SIGTERM cleans up as Ctrl-C does
        try:
            return commands.COMMANDS[args.command](args)
        except UsageError as exc:
            parser.print_usage(sys.stderr)
            print(f"framing {args.command}: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except FramingError as exc:
            message = " ".join(str(exc).split())
            print(f"framing {args.command}: error: {message}{_hint(args.command, exc)}", file=sys.stderr)
            return EXIT_FAILED
        except KeyboardInterrupt as exc:
            if isinstance(exc, Terminated):
                print("framing: terminated (SIGTERM); the unfinished outputs of this run were removed", file=sys.stderr)
                return EXIT_TERMINATED
            print("framing: interrupted", file=sys.stderr)
            return 130
        except Exception as exc:  # a bug: still one line for the user (FRAMING_DEBUG=1 shows the traceback)
            if os.environ.get("FRAMING_DEBUG"):
                raise
            message = " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
            print(f"framing {args.command}: internal error ({message}); please report it with the command "
                  "you ran (FRAMING_DEBUG=1 shows the traceback)", file=sys.stderr)
            return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
