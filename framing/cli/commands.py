"""What each ``framing`` subcommand does, given the parsed arguments (:data:`COMMANDS`).

A command returns its exit code: 0 ok, 1 problems found in the data (``validate``). Results go to
stdout, the reading account to stderr. A failed command leaves no output behind.

pandas and the analysis modules are imported inside the commands, so that ``framing --help`` and
``framing lexicon list`` start at once.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from framing.cli.parser import UsageError, read_options
from framing.errors import CorpusError, FramingError

__all__ = ["COMMANDS", "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "analysis_config", "leave_nothing"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

Args = argparse.Namespace


def _print_table(df: Any, n: int | None = None) -> None:
    import pandas as pd

    with pd.option_context("display.max_columns", 20, "display.width", 160, "display.max_colwidth", 60,
                           "display.max_rows", None):
        print(df if n is None else df.head(n))


# --- outputs: nothing left behind by a failed run ------------------------------------------------
@contextlib.contextmanager
def leave_nothing(*paths: str | Path | None) -> Iterator[None]:
    """On failure (any exception, Ctrl-C and SIGTERM included) remove what the run created at ``paths``.

    Files are written atomically (complete or not at all), so this removes an output file that did
    not exist before (written, then a later step failed) and the folders made for it, when empty.
    A folder is never removed with contents: an output folder is :class:`framing.output.rundir.RunFolder`'s.
    """
    before: dict[Path, list[Path]] = {}
    for given in paths:
        if given is None:
            continue
        path = Path(given)
        missing = []
        parent = path
        while not parent.exists() and parent.parent != parent:
            missing.append(parent)
            parent = parent.parent
        before[path] = missing  # deepest first
    try:
        yield
    except BaseException:
        for path, missing in before.items():
            if missing and (path.is_file() or path.is_symlink()):
                with contextlib.suppress(OSError):
                    path.unlink()
            for folder in missing:
                try:
                    folder.rmdir()
                except OSError:
                    break
        raise


def _csv_target(out: str | None) -> Path | None:
    """The file ``--out``/``--rejects`` names: exactly the path given, ``.csv`` added when it has no suffix
    (a folder is left as it is, and refused by :func:`_check_outputs`)."""
    if not out:
        return None
    path = Path(out)
    if path.suffix or path.is_dir() or path.name in ("", ".", ".."):
        return path
    return path.with_name(path.name + ".csv")


def _write_csv(table: Any, out: str) -> Path:
    from framing.output.files import write_csv

    path = _csv_target(out)
    assert path is not None
    return write_csv(table, path)


def _check_target(option: str, path: Path, corpus: str | None) -> None:
    from framing.output.files import OutputError, check_output_file

    if path.is_dir() or path.name in ("", ".", ".."):
        raise UsageError(f"{option} {path}: is a folder; give a file name, such as {path / 'table.csv'}")
    if corpus and path.exists() and Path(corpus).exists() and path.samefile(corpus):
        raise UsageError(f"{option} {path} is the corpus being read; give another file")
    if path.suffix.lower() in (".parquet", ".xlsx", ".xls", ".json", ".jsonl"):
        raise UsageError(f"{option} {path}: the table is written as CSV; give a name ending in .csv (or with "
                         "no suffix)")
    try:
        check_output_file(path, option)  # where no file can be made (/proc, read-only): before reading
    except OutputError as exc:
        raise UsageError(str(exc)) from None


# --- reading -------------------------------------------------------------------------------------
def _read(a: Args) -> Any:
    """Read the corpus as ``--errors`` says; with collect, the account goes to stderr."""
    from framing.corpus.reader import read_corpus, rejects

    df = read_corpus(a.corpus, errors=a.errors, **read_options(a))
    if a.errors == "collect":
        rej = rejects(df)
        print(f"read {df.attrs.get('n_read', len(df) + len(rej))} · accepted {len(df)} · rejected {len(rej)}",
              file=sys.stderr)
        if getattr(a, "rejects", None):
            print(f"rejects with their reasons: {_write_csv(rej, a.rejects)}", file=sys.stderr)
        elif len(rej):
            print("  (--rejects FILE writes them with their reasons)", file=sys.stderr)
    if not len(df):
        raise CorpusError("no document was accepted; see the reasons with `framing validate`", source=a.corpus)
    return df


def _check_outputs(a: Args) -> None:
    """The files ``--out`` and ``--rejects`` name can be written, before anything is read."""
    if getattr(a, "rejects", None) and a.errors != "collect":
        raise UsageError("--rejects FILE needs --errors collect (with raise, the first bad record stops the run)")
    targets = {k: _csv_target(getattr(a, k.lstrip("-"), None)) for k in ("--out", "--rejects")}
    for option, path in targets.items():
        if path is not None:
            _check_target(option, path, getattr(a, "corpus", None))
    out, rej = targets.values()
    if out is not None and rej is not None and out.absolute() == rej.absolute():
        raise UsageError(f"--out and --rejects both name {out}; give two files")


# --- argument checks: before anything is read or written (exit 2) --------------------------------
def _at_least(option: str, value: int, minimum: int, what: str) -> None:
    if value < minimum:
        raise UsageError(f"{option}: expected {what} (a whole number >= {minimum}), got {value}")


def _check_by(a: Args) -> None:
    """``--by`` can group documents (not free text, not the date); whether the corpus has it is known
    once it is read (:func:`_grouped`)."""
    from framing.pipeline.config import ConfigError, check_group_by

    try:
        check_group_by(a.by)
    except ConfigError as exc:
        raise UsageError(_as_option(str(exc), ["by"])) from None


def _check_freq(a: Args) -> None:
    from framing.vocabulary import period_offset

    try:
        period_offset(a.freq)
    except FramingError as exc:
        raise UsageError(_as_option(str(exc), ["freq"])) from None


def _grouped(corpus: Any, by: str) -> Any:
    """The corpus with its ``by`` column as groups (a missing value as ``(no <by>)``); a clear error naming
    the columns there are when the corpus has no such column."""
    from framing.pipeline.extraction import group_values, require_by

    require_by(by, corpus.columns)
    return corpus if by == "outlet" else corpus.assign(**{by: group_values(corpus, by)})


# --- commands ------------------------------------------------------------------------------------
def _as_option(message: str, fields: list[str]) -> str:
    """A configuration error as the command line says it: ``n_boot: ...`` -> ``--n-boot: ...``."""
    name, sep, rest = message.partition(":")
    return f"--{name.replace('_', '-')}:{rest}" if sep and name in fields else message


def analysis_config(a: Args) -> Any:
    """The :class:`framing.AnalysisConfig` of ``framing analyze`` (a :class:`UsageError` when a value is bad)."""
    import dataclasses

    from framing.pipeline.config import AnalysisConfig, ConfigError

    values = {"lexicon": a.lexicon, "out": a.out, "by": a.by, "freq": a.freq, "voice": a.voice, "force": a.force,
              "batch_size": a.batch_size, "errors": "raise" if a.strict else a.errors,
              **read_options(a), "workers": a.workers, "scheduler": a.scheduler,
              "method": a.method, "n_boot": a.n_boot, "seed": a.seed, "top": a.top,
              "copies": "keep" if a.keep_copies else "exclude"}
    try:
        return AnalysisConfig(**values)
    except ConfigError as exc:
        raise UsageError(_as_option(str(exc), [f.name for f in dataclasses.fields(AnalysisConfig)])) from None


def _cmd_analyze(a: Args) -> int:
    from framing.output.rundir import settle
    from framing.pipeline.analyze import run
    from framing.pipeline.config import ConfigError

    config = analysis_config(a)
    settle(a.out)  # another run writing --out is named first (exit 1); a killed run's leftovers removed
    try:  # everything checked before anything is read or written; the lexicon loaded before --out exists
        lexicon = config.validate(a.corpus)  # (`--lexicon yemen --out yemen` is the bundled one)
    except ConfigError as exc:
        raise UsageError(_as_option(str(exc), ["out", "scheduler"])) from None
    with leave_nothing(a.out):
        res = run(a.corpus, config.replace(lexicon=lexicon))
    print(f"read {res.n_read} · accepted {res.n_accepted} · rejected {res.n_rejected}")
    print(f"tables: {len(res.tables)} · charts: {len(res.charts)}")
    print(f"report: {res.report}")
    return EXIT_OK


def _comparison_counts(corpus: Any, matches: Any, by: str = "outlet") -> tuple[Any, Any]:
    """(counts, dispersion) of ``framing compare``: the lexicon terms of ``matches``, or every word and
    n-gram of the text when ``matches`` is None; counted once per ``by`` group, then compared."""
    from framing.analyses.dispersion import DISPERSION_COLUMNS, term_dispersion
    from framing.features.terms import term_counts

    if matches is None:
        disp = term_dispersion(corpus, by=by)  # its counts are the comparison's counts
        return disp.drop(columns=list(DISPERSION_COLUMNS)), disp
    return term_counts(matches, by=(by,)), term_dispersion(corpus, matches, by=by)


def _any_term(matches: Any) -> bool:
    counted = matches["kind"].isin(["label", "category"])
    if "in_scope" in matches.columns:
        counted &= matches["in_scope"].astype(bool)
    return bool(counted.any())


def _cmd_compare(a: Args) -> int:
    from framing.analyses.compare import compare_outlets
    from framing.features.extract import extract_matches

    _check_outputs(a)
    _at_least("--top", a.top, 1, "rows to print per outlet")
    _check_by(a)
    if a.vocabulary == "lexicon" and not a.lexicon:
        raise UsageError("--vocabulary lexicon needs --lexicon NAME|PATH (or use --vocabulary all)")
    with leave_nothing(_csv_target(a.out), _csv_target(a.rejects)):
        corpus = _grouped(_read(a), a.by)
        matches = None
        if a.vocabulary == "lexicon":
            from framing.pipeline.extraction import with_group

            matches = with_group(extract_matches(corpus, a.lexicon), corpus, a.by, per_match=True)
        try:
            counts, disp = _comparison_counts(corpus, matches, a.by)
            table = compare_outlets(counts, method=a.method, mode=a.mode, dispersion=disp, by=a.by)
        except FramingError:
            if matches is not None and corpus[a.by].nunique() >= 2 and not _any_term(matches):
                print(f"no term of the lexicon {a.lexicon!r} counts in this corpus (none found, or all out of "
                      "scope): nothing to compare"
                      + (" (no table written)" if a.out else ""))
                return EXIT_OK
            raise
        if a.out:
            print(f"wrote {len(table)} rows to {_write_csv(table, a.out)}")
    keys = [a.by, "reference"]
    # a term may label several referents (قوات: the forces of either side): one row each, labelled
    ident = [c for c in ("referent", "category", "stance") if c in table.columns
             and (table[c].notna() & table[c].astype(str).ne("")).any()]
    top = table.sort_values("score", ascending=False).groupby(keys, sort=False).head(a.top)
    shown = [*keys, "term", *ident, "count", "count_reference", "score", "q"]
    _print_table(top.sort_values(keys, kind="stable")[shown])
    return EXIT_OK


def _cmd_trends(a: Args) -> int:
    from framing.analyses.temporal import change_points, trends
    from framing.features.extract import extract_features
    from framing.lexicon.load import load_lexicon

    _check_outputs(a)
    _check_freq(a)
    _check_by(a)
    lexicon = load_lexicon(a.lexicon)
    if not any(r.labels for r in lexicon.referents.values()):
        raise FramingError(f"the lexicon {lexicon.name!r} has no referent with labels (categories only): trends "
                           "are shares of a referent's labels; `framing compare` compares its category terms")
    with leave_nothing(_csv_target(a.out), _csv_target(a.rejects)):
        from framing.pipeline.extraction import with_group

        corpus = _grouped(_read(a), a.by)
        feats = with_group(extract_features(corpus, lexicon, voice=a.voice), corpus, a.by)
        table = trends(feats, freq=a.freq, by=a.by, referent=a.referent, voice=a.voice)
        cps = change_points(feats, freq=a.freq, by=a.by, referent=a.referent, voice=a.voice)
        if a.out:
            print(f"wrote {len(table)} rows to {_write_csv(table, a.out)}")
    if not a.out:
        _print_table(table, 40)
    print(f"\nchange-points: {len(cps)}")
    if len(cps):
        _print_table(cps)
    return EXIT_OK


def _cmd_kwic(a: Args) -> int:
    from framing.reading.kwic import kwic

    _check_outputs(a)
    _at_least("--limit", a.limit, 0, "lines to print, 0 for all")
    _at_least("--window", a.window, 0, "words each side")
    with leave_nothing(_csv_target(a.out), _csv_target(a.rejects)):
        table = kwic(_read(a), a.term, lexicon=a.lexicon, window=a.window, voice=a.voice)
        if a.out:
            _write_csv(table, a.out)
    print(f"{len(table)} lines")
    for row in (table.head(a.limit) if a.limit else table).itertuples(index=False):
        print(f"{row.outlet}\t{row.doc_id}\t{row.left} [{row.match}] {row.right}")
    return EXIT_OK


def _cmd_validate(a: Args) -> int:
    from framing.corpus.reader import read_corpus, rejects

    _check_outputs(a)
    with leave_nothing(_csv_target(a.rejects)):
        df = read_corpus(a.corpus, errors=a.errors, **read_options(a))
        rej = rejects(df)
        n_read = int(df.attrs.get("n_read", len(df) + len(rej)))
        print(f"read {n_read} · accepted {len(df)} · rejected {len(rej)}")
        if a.rejects:
            print(f"rejects with their reasons: {_write_csv(rej, a.rejects)}")
    for row in rej.head(10).to_dict("records"):
        field = "" if row["field"] is None else f" [{row['field']}]"
        print(f"  {row['source']}:{row['line']}{field} {row['reason']}")
    if len(rej) > 10:
        print(f"  … and {len(rej) - 10} more" + ("" if a.rejects else " (--rejects FILE writes them all)"))
    return EXIT_FAILED if len(rej) else EXIT_OK


def _cmd_lexicon(a: Args) -> int:
    from framing.lexicon.load import list_lexicons, load_lexicon

    if a.lexicon_command == "list":
        _print_table(list_lexicons())
        return EXIT_OK
    lex = load_lexicon(a.path)
    n_labels = sum(len(v) for r in lex.referents.values() for v in r.labels.values())
    print(f"ok: {lex.name} (version {lex.version}) — {len(lex.categories)} categories, "
          f"{len(lex.referents)} referents, {n_labels} labels")
    validity, _meets = lex.audit_summary()
    print(f"validity: {validity}")
    if getattr(a, "corpus", None):
        from framing.lexicon.check import entry_coverage

        cov = entry_coverage(_read(a), lex)
        unused = cov[cov["n_hits"] == 0]
        print(f"{len(cov) - len(unused)} of {len(cov)} entries match in the corpus; "
              f"{int(unused['pattern'].sum())} of {int(cov['pattern'].sum())} patterns match nothing")
        if len(unused):
            print("entries with no hit (kind, owner, stance, term):")
            for r in unused.itertuples():
                stance = r.stance if isinstance(r.stance, str) else ""
                print(f"  {r.kind}\t{r.owner}\t{stance}\t{r.term}{'  (pattern)' if r.pattern else ''}")
    return EXIT_OK


#: subcommand -> the function running it (``framing lexicon ...`` dispatches on its action itself)
COMMANDS: dict[str, Callable[[Args], int]] = {
    "analyze": _cmd_analyze, "compare": _cmd_compare, "trends": _cmd_trends, "kwic": _cmd_kwic,
    "validate": _cmd_validate, "lexicon": _cmd_lexicon,
}
