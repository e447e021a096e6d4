"""The ``framing`` command.

Exit codes: 0 ok; 1 problems found in the data (``validate``) or a failed run; 2 a usage error.
Progress bars, the reading account, warnings and errors go to stderr (one line each, no traceback);
results to stdout. A failed run leaves no output behind.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import warnings
from pathlib import Path

from framing.errors import FramingError

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    pass


def _columns(pairs):
    mapping = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise _UsageError(f"--columns takes FILE_COLUMN=OUR_COLUMN (e.g. body=text), got {pair!r}")
        src, dst = pair.split("=", 1)
        mapping[src.strip()] = dst.strip()
    return mapping or None


def _add_corpus(p, errors="raise", rejects=True):
    p.add_argument("corpus", help="corpus file or folder (.jsonl, .jsonl.gz, .csv, .tsv, .parquet, "
                                  "a folder of .txt or news-please .json files)")
    p.add_argument("--columns", action="append", metavar="SRC=DST",
                   help="map a column of the file to one of ours, e.g. --columns body=text (repeatable)")
    p.add_argument("--errors", choices=["raise", "collect"], default=errors,
                   help="bad records: 'raise' stops at the first with its file, line, field and fix; "
                        "'collect' sets them aside (counted, with their reasons) and goes on "
                        f"(default: {errors})")
    if rejects:
        p.add_argument("--rejects", metavar="FILE",
                       help="with --errors collect, write the records set aside and their reasons to this "
                            "CSV file (nothing is written without it)")


def _add_lexicon(p, required=True):
    p.add_argument("--lexicon", required=required, default=None if required else None,
                   help="a bundled lexicon name (see `framing lexicon list`) or a path to a YAML file")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="framing",
        description="Measure how Arabic news outlets frame the same events through word choice.",
    )
    parser.add_argument("--version", action="version", version=f"framing {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("analyze", help="the whole analysis: tables, charts and report.html",
                       description="Read a corpus, match a lexicon, and write tables (CSV and Parquet), "
                                   "PNG charts and one self-contained report.html into --out. Bad records "
                                   "are collected into rejects.csv there (--errors raise to stop instead).")
    _add_corpus(p, errors="collect", rejects=False)
    _add_lexicon(p)
    p.add_argument("--out", required=True, help="output folder (must be empty unless --force)")
    p.add_argument("--by", default="outlet", help="column to group by (default: outlet)")
    p.add_argument("--freq", default="MS", help="period for trends, a pandas frequency (default: MS, months)")
    p.add_argument("--voice", default="own", choices=["own", "quoted", "reported", "all"],
                   help="count labels in the outlet's own voice (default), inside quotes, in reported "
                        "speech, or all")
    p.add_argument("--method", default="log_odds", choices=["log_odds", "g2", "chi2", "log_ratio"])
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates (default 1000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--strict", action="store_true", help="the same as --errors raise")
    p.add_argument("--force", action="store_true", help="write into a non-empty --out folder")
    p.add_argument("--batch-size", type=int, default=5000, help="documents per batch (bounded memory)")
    p.add_argument("--workers", type=int, help="start a local Dask cluster with N worker processes")
    p.add_argument("--scheduler", help="use an existing Dask cluster, e.g. tcp://10.0.0.5:8786")
    # issue 11 (pipeline): outlets drawn in charts, wire-copy policy
    p.add_argument("--top", type=int, default=12,
                   help="outlets drawn in the charts, those with most labels (default 12); tables keep all")
    p.add_argument("--keep-copies", action="store_true",
                   help="count later wire copies too (default: set aside, as the notebooks do; keeping them "
                        "also streams the corpus in bounded memory)")

    p = sub.add_parser("compare", help="compare outlets' terms (log-odds, G2, chi2, log ratio)",
                       description="One-vs-rest or pairwise comparison of outlets with Benjamini–Hochberg "
                                   "q-values.")
    _add_corpus(p)
    p.add_argument("--lexicon", help="lexicon (required with --vocabulary lexicon)")
    p.add_argument("--vocabulary", default="lexicon", choices=["lexicon", "all"])
    p.add_argument("--method", default="log_odds", choices=["log_odds", "g2", "chi2", "log_ratio"])
    p.add_argument("--mode", default="one_vs_rest", choices=["one_vs_rest", "pairwise"])
    p.add_argument("--top", type=int, default=10, help="rows per outlet to print (default 10)")
    p.add_argument("--out", help="write the full table to this CSV file")

    p = sub.add_parser("trends", help="stance shares per period, and change-points",
                       description="Share of each stance per period and outlet, with 95%% intervals.")
    _add_corpus(p)
    _add_lexicon(p)
    p.add_argument("--freq", default="MS")
    p.add_argument("--by", default="outlet")
    p.add_argument("--referent", help="only this referent")
    p.add_argument("--voice", default="own", choices=["own", "quoted", "reported", "all"])
    p.add_argument("--out", help="write the table to this CSV file")

    p = sub.add_parser("kwic", help="concordance lines for a term, in the original spelling",
                       description="Keyword in context: a lexicon entry, referent or plain word.")
    _add_corpus(p)
    p.add_argument("term", help="a plain word or phrase, or with --lexicon an entry / referent / category")
    p.add_argument("--lexicon")
    p.add_argument("--window", type=int, default=8, help="words each side (default 8)")
    p.add_argument("--voice", default="all", choices=["own", "quoted", "reported", "all"])
    p.add_argument("--limit", type=int, default=50, help="lines to print (default 50)")
    p.add_argument("--out", help="write all lines to this CSV file")

    p = sub.add_parser("validate", help="read a corpus and report every bad record",
                       description="Prints `read N · accepted A · rejected R` and the first rejects with "
                                   "their reasons; --rejects FILE writes them all. Exit 1 when any record "
                                   "was rejected.")
    _add_corpus(p, errors="collect")

    p = sub.add_parser("lexicon", help="list bundled lexicons, or check a lexicon file")
    lsub = p.add_subparsers(dest="lexicon_command", metavar="ACTION")
    lsub.required = True
    lsub.add_parser("list", help="the bundled lexicons")
    c = lsub.add_parser("check", help="validate a lexicon file (or bundled name); with --corpus, list the "
                                      "entries and patterns (ميليشي*) that match nothing in it")
    c.add_argument("path")
    c.add_argument("--corpus", help="a corpus to try the lexicon on: entries with no hit in it are listed")
    c.add_argument("--errors", default="raise", choices=["raise", "collect"],
                   help="with --corpus: stop at a bad record (default) or collect rejects and go on")
    c.add_argument("--columns", action="append", metavar="SRC=DST",
                   help="with --corpus: map a column of the file to one of ours, e.g. --columns body=text")
    return parser


def _version():
    from framing import __version__

    return __version__


def _print_table(df, n=None):
    import pandas as pd

    with pd.option_context("display.max_columns", 20, "display.width", 160, "display.max_colwidth", 60,
                           "display.max_rows", None):
        print(df if n is None else df.head(n))


# --- outputs: nothing left behind by a failed run ------------------------------------------------
@contextlib.contextmanager
def _leave_nothing(*paths):
    """On failure (any exception, Ctrl-C included) remove what the run created at ``paths``.

    A path that did not exist is removed whole (a folder with its contents), with the parent folders
    created for it; in a folder that existed, only the files that were not there before.
    """
    before = {}
    for path in paths:
        if path is None:
            continue
        path = Path(path)
        missing = []
        parent = path
        while not parent.exists():
            missing.append(parent)
            if parent.parent == parent:
                break
            parent = parent.parent
        contents = set(path.rglob("*")) if path.is_dir() else None
        before[path] = (missing, contents)
    try:
        yield
    except BaseException:
        for path, (missing, contents) in before.items():
            if missing:  # created by this run: the path itself and the folders above it
                target = missing[-1]
                if target.is_dir():
                    shutil.rmtree(target, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        target.unlink()
            elif contents is not None and path.is_dir():
                for new in sorted(set(path.rglob("*")) - contents, key=lambda p: len(p.parts), reverse=True):
                    with contextlib.suppress(OSError):
                        shutil.rmtree(new) if new.is_dir() and not new.is_symlink() else new.unlink()
        raise


def _write_csv(table, out) -> Path:
    from framing.output.files import write_table

    return write_table(table, Path(out).with_suffix(""), formats=("csv",))[0]


# --- reading -------------------------------------------------------------------------------------
def _read(a):
    """Read the corpus as ``--errors`` says; with collect, the account goes to stderr."""
    from framing.corpus.reader import read_corpus, rejects

    df = read_corpus(a.corpus, errors=a.errors, columns=_columns(a.columns))
    if a.errors == "collect":
        rej = rejects(df)
        print(f"read {df.attrs.get('n_read', len(df) + len(rej))} · accepted {len(df)} · rejected {len(rej)}",
              file=sys.stderr)
        if getattr(a, "rejects", None):
            print(f"rejects with their reasons: {_write_csv(rej, a.rejects)}", file=sys.stderr)
        elif len(rej):
            print("  (--rejects FILE writes them with their reasons)", file=sys.stderr)
    if not len(df):
        from framing.errors import CorpusError

        raise CorpusError("no document was accepted; see the reasons with `framing validate`", source=a.corpus)
    return df


def _check_outputs(a):
    if getattr(a, "rejects", None) and a.errors != "collect":
        raise _UsageError("--rejects FILE needs --errors collect (with raise, the first bad record stops the run)")


# --- commands ------------------------------------------------------------------------------------
def _cmd_analyze(a):
    from framing.lexicon.load import load_lexicon
    from framing.pipeline.analyze import analyze, check_out_dir

    errors = "raise" if a.strict else a.errors
    lexicon = load_lexicon(a.lexicon)  # before --out exists: `--lexicon yemen --out yemen` is the bundled one
    with _leave_nothing(a.out):
        try:
            check_out_dir(a.out, a.force)
        except FramingError as exc:
            raise _UsageError(str(exc)) from None
        res = analyze(a.corpus, lexicon, a.out, by=a.by, freq=a.freq, voice=a.voice, force=True,
                      errors=errors, columns=_columns(a.columns),
                      batch_size=a.batch_size, workers=a.workers, scheduler=a.scheduler, method=a.method,
                      n_boot=a.n_boot, seed=a.seed, top=a.top,
                      copies="keep" if a.keep_copies else "exclude")
    print(f"read {res.n_read} · accepted {res.n_accepted} · rejected {res.n_rejected}")
    print(f"tables: {len(res.tables)} · charts: {len(res.charts)}")
    print(f"report: {res.report}")
    return EXIT_OK


def _cmd_compare(a):
    from framing.analyses.compare import compare_outlets

    _check_outputs(a)
    if a.vocabulary == "lexicon" and not a.lexicon:
        raise _UsageError("--vocabulary lexicon needs --lexicon NAME|PATH (or use --vocabulary all)")
    with _leave_nothing(a.out and Path(a.out).with_suffix(".csv"), a.rejects):
        corpus = _read(a)
        try:
            table = compare_outlets(corpus, lexicon=a.lexicon, vocabulary=a.vocabulary, method=a.method,
                                    mode=a.mode)
        except FramingError:
            if a.vocabulary == "lexicon" and corpus["outlet"].nunique() >= 2 and not _any_term(corpus, a.lexicon):
                print(f"no term of the lexicon {a.lexicon!r} counts in this corpus (none found, or all out of "
                      "scope): nothing to compare"
                      + (" (no table written)" if a.out else ""))
                return EXIT_OK
            raise
        if a.out:
            print(f"wrote {len(table)} rows to {_write_csv(table, a.out)}")
    keys = ["outlet", "reference"]
    # a term may label several referents (قوات: the forces of either side): one row each, labelled
    ident = [c for c in ("referent", "category", "stance") if c in table.columns
             and (table[c].notna() & table[c].astype(str).ne("")).any()]
    top = table.sort_values("score", ascending=False).groupby(keys, sort=False).head(a.top)
    _print_table(top.sort_values(keys, kind="stable")[keys + ["term", *ident, "count", "count_reference",
                                                              "score", "q"]])
    return EXIT_OK


def _any_term(corpus, lexicon) -> bool:
    from framing.features.extract import extract_matches

    matches = extract_matches(corpus, lexicon)
    counted = matches["kind"].isin(["label", "category"])
    if "in_scope" in matches.columns:
        counted &= matches["in_scope"].astype(bool)
    return bool(counted.any())


def _cmd_trends(a):
    from framing.features.extract import extract_features
    from framing.lexicon.load import load_lexicon
    from framing.analyses.temporal import change_points, trends

    _check_outputs(a)
    lexicon = load_lexicon(a.lexicon)
    if not any(r.labels for r in lexicon.referents.values()):
        raise FramingError(f"the lexicon {lexicon.name!r} has no referent with labels (categories only): trends "
                           "are shares of a referent's labels; `framing compare` compares its category terms")
    with _leave_nothing(a.out and Path(a.out).with_suffix(".csv"), a.rejects):
        feats = extract_features(_read(a), lexicon, voice=a.voice)
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


def _cmd_kwic(a):
    from framing.reading.concordance import kwic

    _check_outputs(a)
    with _leave_nothing(a.out and Path(a.out).with_suffix(".csv"), a.rejects):
        table = kwic(_read(a), a.term, lexicon=a.lexicon, window=a.window, voice=a.voice)
        if a.out:
            _write_csv(table, a.out)
    print(f"{len(table)} lines")
    for row in table.head(a.limit).itertuples(index=False):
        print(f"{row.outlet}\t{row.doc_id}\t{row.left} [{row.match}] {row.right}")
    return EXIT_OK


def _cmd_validate(a):
    from framing.corpus.reader import read_corpus, rejects

    _check_outputs(a)
    with _leave_nothing(a.rejects):
        df = read_corpus(a.corpus, errors=a.errors, columns=_columns(a.columns))
        rej = rejects(df)
        n_read = int(df.attrs.get("n_read", len(df) + len(rej)))
        print(f"read {n_read} · accepted {len(df)} · rejected {len(rej)}")
        if a.rejects:
            print(f"rejects with their reasons: {_write_csv(rej, a.rejects)}")
    for row in rej.head(10).itertuples(index=False):
        field = "" if row.field is None else f" [{row.field}]"
        print(f"  {row.source}:{row.line}{field} {row.reason}")
    if len(rej) > 10:
        print(f"  … and {len(rej) - 10} more" + ("" if a.rejects else " (--rejects FILE writes them all)"))
    return EXIT_FAILED if len(rej) else EXIT_OK


def _cmd_lexicon(a):
    from framing.lexicon.load import list_lexicons, load_lexicon

    if a.lexicon_command == "list":
        _print_table(list_lexicons())
        return EXIT_OK
    lex = load_lexicon(a.path)
    n_labels = sum(len(v) for r in lex.referents.values() for v in r.labels.values())
    print(f"ok: {lex.name} (version {lex.version}) — {len(lex.categories)} categories, "
          f"{len(lex.referents)} referents, {n_labels} labels")
    print(f"validity: {lex.audit_summary()[0]}")
    if getattr(a, "corpus", None):
        from framing.lexicon.check import entry_coverage

        cov = entry_coverage(_read(a), lex)
        unused = cov[cov["n_hits"] == 0]
        print(f"{len(cov) - len(unused)} of {len(cov)} entries match in the corpus; "
              f"{int(unused['pattern'].sum())} of {int(cov['pattern'].sum())} patterns match nothing")
        if len(unused):
            print("entries with no hit (kind, owner, stance, term):")
            for r in unused.itertuples():
                print(f"  {r.kind}\t{r.owner}\t{r.stance if isinstance(r.stance, str) else ''}\t{r.term}{'  (pattern)' if r.pattern else ''}")
    return EXIT_OK


_COMMANDS = {"analyze": _cmd_analyze, "compare": _cmd_compare, "trends": _cmd_trends, "kwic": _cmd_kwic,
             "validate": _cmd_validate, "lexicon": _cmd_lexicon}


def _one_line_warning(message, category, filename, lineno, line=None):
    """Warnings as ``framing: warning: <message>`` on one line (no source path, no source line)."""
    text = " ".join(str(message).split())
    kind = "" if category in (UserWarning, Warning) else f" ({category.__name__})"
    return f"framing: warning{kind}: {text}\n"


@contextlib.contextmanager
def _clean_warnings():
    old = warnings.formatwarning
    warnings.formatwarning = _one_line_warning
    try:
        yield
    finally:
        warnings.formatwarning = old


def _hint(command, exc) -> str:
    from framing.errors import CorpusError

    if isinstance(exc, CorpusError) and exc.line is not None and command in ("compare", "trends", "kwic", "lexicon"):
        return " (or --errors collect to set bad records aside and go on)"
    if isinstance(exc, CorpusError) and exc.line is not None and command == "analyze":
        return " (or leave out --errors raise/--strict to collect bad records into rejects.csv)"
    return ""


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on a usage error
    with _clean_warnings():
        try:
            return _COMMANDS[args.command](args)
        except _UsageError as exc:
            parser.print_usage(sys.stderr)
            print(f"framing {args.command}: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except FramingError as exc:
            message = " ".join(str(exc).split())
            print(f"framing {args.command}: error: {message}{_hint(args.command, exc)}", file=sys.stderr)
            return EXIT_FAILED
        except KeyboardInterrupt:
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
