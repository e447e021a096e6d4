"""The ``framing`` command: parse, run the subcommand, turn every failure into one line and an exit code.

Exit codes: 0 ok; 1 problems found in the data (``validate``) or a failed run; 2 a usage error.
Progress bars, the reading account, warnings and errors go to stderr (one line each, no traceback);
results to stdout. A failed run leaves no output behind.

A reader that stops early (``framing kwic ... | head -1``) closes the pipe under stdout: from then on
what would be printed there is dropped (the stream is pointed at the null device, as Python's
documentation advises for ``BrokenPipeError``), nothing is said about it, and the command runs to its
end: its files are written whole and it exits with the code it would have given (0 when all went well;
``validate`` still 1 when it found rejects). The same holds for stderr.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import warnings
from collections.abc import Iterator
from typing import Any, TextIO

from framing.cli import commands
from framing.cli.commands import EXIT_FAILED, EXIT_USAGE
from framing.cli.parser import UsageError, build_parser
from framing.cli.signals import EXIT_TERMINATED, Terminated, terminate_as_interrupt
from framing.errors import CorpusError, FramingError

__all__ = ["main", "one_line_warning", "ShutdownNoise"]

_READERS = ("compare", "trends", "kwic", "lexicon")  # commands that read a corpus with --errors raise by default


def one_line_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                     line: str | None = None) -> str:
    """Warnings as ``framing: warning: <message>`` on one line (no source path, no source line)."""
    text = " ".join(str(message).split())
    kind = "" if category in (UserWarning, Warning) else f" ({category.__name__})"
    return f"framing: warning{kind}: {text}\n"


class ShutdownNoise(logging.Filter):
    """Drops Dask's note that a worker process of the run's own local cluster was killed on shutdown
    (``--workers``: at the end of the run, after the results are in, a worker slow to exit under load is
    stopped after 4 s). It is not a problem of the run, and a user would read it as one; every other
    message of Dask's loggers passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "distributed.nanny"
                    and str(record.msg).startswith("Worker process still alive after"))


@contextlib.contextmanager
def _clean_warnings() -> Iterator[None]:
    old = warnings.formatwarning
    warnings.formatwarning = one_line_warning
    nanny, noise = logging.getLogger("distributed.nanny"), ShutdownNoise()
    nanny.addFilter(noise)  # the command is the application: it may choose what its users read
    try:
        yield
    finally:
        warnings.formatwarning = old
        nanny.removeFilter(noise)


class _Quiet:
    """A text stream that goes quiet once its reader has gone: a write or flush that meets a closed pipe
    (``BrokenPipeError``) points the stream's file descriptor at the null device (so that nothing fails
    later either, not even the flush at exit) and drops that text and all after it."""

    def __init__(self, stream: TextIO):
        self.stream, self.gone = stream, False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._silence()
        return len(text)

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._silence()

    def _silence(self) -> None:
        self.gone = True
        with contextlib.suppress(OSError, ValueError, AttributeError):  # no descriptor (captured): nothing to do
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, self.stream.fileno())
            finally:
                os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@contextlib.contextmanager
def _quiet_when_closed() -> Iterator[None]:
    """stdout and stderr as :class:`_Quiet` streams inside the block (flushed on leaving, then put back)."""
    saved = sys.stdout, sys.stderr
    quiet = [_Quiet(s) if s is not None else None for s in saved]
    sys.stdout, sys.stderr = quiet
    try:
        yield
    finally:
        for q in quiet:
            if q is not None:
                q.flush()
        sys.stdout, sys.stderr = saved


def _hint(command: str, exc: FramingError) -> str:
    if isinstance(exc, CorpusError) and exc.line is not None and command in _READERS:
        return " (or --errors collect to set bad records aside and go on)"
    if isinstance(exc, CorpusError) and exc.line is not None and command == "analyze":
        return " (or leave out --errors raise/--strict to collect bad records into rejects.csv)"
    return ""


def main(argv: list[str] | None = None) -> int:
    """Run ``framing`` with ``argv`` (default: the command line); the exit code. A closed pipe under
    stdout or stderr ends nothing: that stream goes quiet and the command runs to its end."""
    with _quiet_when_closed():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
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
