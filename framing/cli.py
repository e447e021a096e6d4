"""The ``framing`` command.

Exit codes: 0 ok; 1 problems found in the data (``validate``) or a failed run; 2 a usage error.
Progress bars go to stderr; results to stdout.
"""

from __future__ import annotations

import argparse
import sys
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


def _add_corpus(p):
    p.add_argument("corpus", help="corpus file or folder (.jsonl, .jsonl.gz, .csv, .tsv, .parquet, "
                                  "a folder of .txt or news-please .json files)")
    p.add_argument("--columns", action="append", metavar="SRC=DST",
                   help="map a column of the file to one of ours, e.g. --columns body=text (repeatable)")


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
                                   "PNG charts and one self-contained report.html into --out.")
    _add_corpus(p)
    _add_lexicon(p)
    p.add_argument("--out", required=True, help="output folder (must be empty unless --force)")
    p.add_argument("--by", default="outlet", help="column to group by (default: outlet)")
    p.add_argument("--freq", default="MS", help="period for trends, a pandas frequency (default: MS, months)")
    p.add_argument("--voice", default="own", choices=["own", "quoted", "all"],
                   help="count labels in the outlet's own voice (default), inside quotes, or all")
    p.add_argument("--method", default="log_odds", choices=["log_odds", "g2", "chi2", "log_ratio"])
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates (default 1000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--strict", action="store_true", help="stop at the first bad record instead of "
                                                          "collecting rejects")
    p.add_argument("--force", action="store_true", help="write into a non-empty --out folder")
    p.add_argument("--batch-size", type=int, default=5000, help="documents per batch (bounded memory)")
    p.add_argument("--workers", type=int, help="start a local Dask cluster with N worker processes")
    p.add_argument("--scheduler", help="use an existing Dask cluster, e.g. tcp://10.0.0.5:8786")

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
    p.add_argument("--voice", default="own", choices=["own", "quoted", "all"])
    p.add_argument("--out", help="write the table to this CSV file")

    p = sub.add_parser("kwic", help="concordance lines for a term, in the original spelling",
                       description="Keyword in context: a lexicon entry, referent or plain word.")
    _add_corpus(p)
    p.add_argument("term", help="a plain word or phrase, or with --lexicon an entry / referent / category")
    p.add_argument("--lexicon")
    p.add_argument("--window", type=int, default=8, help="words each side (default 8)")
    p.add_argument("--voice", default="all", choices=["own", "quoted", "all"])
    p.add_argument("--limit", type=int, default=50, help="lines to print (default 50)")
    p.add_argument("--out", help="write all lines to this CSV file")

    p = sub.add_parser("validate", help="read a corpus and report every bad record",
                       description="Prints `read N · accepted A · rejected R` and writes the rejects with "
                                   "their reasons. Exit 1 when any record was rejected.")
    _add_corpus(p)
    p.add_argument("--rejects", default="rejects.csv", help="where to write rejects (default rejects.csv)")

    p = sub.add_parser("lexicon", help="list bundled lexicons, or check a lexicon file")
    lsub = p.add_subparsers(dest="lexicon_command", metavar="ACTION")
    lsub.required = True
    lsub.add_parser("list", help="the bundled lexicons")
    c = lsub.add_parser("check", help="validate a lexicon file (or bundled name)")
    c.add_argument("path")
    return parser


def _version():
    from framing import __version__

    return __version__


def _print_table(df, n=None):
    import pandas as pd

    with pd.option_context("display.max_columns", 20, "display.width", 160, "display.max_colwidth", 60):
        print(df if n is None else df.head(n))


def _cmd_analyze(a):
    from framing.pipeline import analyze, check_out_dir

    try:
        check_out_dir(a.out, a.force)
    except FramingError as exc:
        raise _UsageError(str(exc)) from None
    res = analyze(a.corpus, a.lexicon, a.out, by=a.by, freq=a.freq, voice=a.voice, force=True,
                  errors="raise" if a.strict else "collect", columns=_columns(a.columns),
                  batch_size=a.batch_size, workers=a.workers, scheduler=a.scheduler, method=a.method,
                  n_boot=a.n_boot, seed=a.seed)
    print(f"read {res.n_read} · accepted {res.n_accepted} · rejected {res.n_rejected}")
    print(f"tables: {len(res.tables)} · charts: {len(res.charts)}")
    print(f"report: {res.report}")
    return EXIT_OK


def _read(a):
    from framing.corpus import read_corpus

    return read_corpus(a.corpus, columns=_columns(a.columns))


def _cmd_compare(a):
    from framing.compare import compare_outlets

    if a.vocabulary == "lexicon" and not a.lexicon:
        raise _UsageError("--vocabulary lexicon needs --lexicon NAME|PATH (or use --vocabulary all)")
    table = compare_outlets(_read(a), lexicon=a.lexicon, vocabulary=a.vocabulary, method=a.method, mode=a.mode)
    if a.out:
        from framing._io import write_table

        write_table(table, Path(a.out).with_suffix(""), formats=("csv",))
        print(f"wrote {len(table)} rows to {Path(a.out).with_suffix('.csv')}")
    keys = ["outlet", "reference"]
    top = table.sort_values("score", ascending=False).groupby(keys, sort=False).head(a.top)
    _print_table(top.sort_values(keys, kind="stable")[keys + ["term", "count", "count_reference", "score", "q"]])
    return EXIT_OK


def _cmd_trends(a):
    from framing.features import extract_features
    from framing.temporal import change_points, trends

    feats = extract_features(_read(a), a.lexicon, voice=a.voice)
    table = trends(feats, freq=a.freq, by=a.by, referent=a.referent, voice=a.voice)
    if a.out:
        from framing._io import write_table

        write_table(table, Path(a.out).with_suffix(""), formats=("csv",))
        print(f"wrote {len(table)} rows to {Path(a.out).with_suffix('.csv')}")
    else:
        _print_table(table, 40)
    cps = change_points(feats, freq=a.freq, by=a.by, referent=a.referent, voice=a.voice)
    print(f"\nchange-points: {len(cps)}")
    if len(cps):
        _print_table(cps)
    return EXIT_OK


def _cmd_kwic(a):
    from framing.concordance import kwic

    table = kwic(_read(a), a.term, lexicon=a.lexicon, window=a.window, voice=a.voice)
    if a.out:
        from framing._io import write_table

        write_table(table, Path(a.out).with_suffix(""), formats=("csv",))
    print(f"{len(table)} lines")
    for row in table.head(a.limit).itertuples(index=False):
        print(f"{row.outlet}\t{row.doc_id}\t{row.left} [{row.match}] {row.right}")
    return EXIT_OK


def _cmd_validate(a):
    import pandas as pd

    from framing._io import write_table
    from framing.corpus import read_corpus

    df = read_corpus(a.corpus, errors="collect", columns=_columns(a.columns))
    rejects = df.attrs.get("rejects", pd.DataFrame(columns=["source", "line", "field", "reason"]))
    n_read = int(df.attrs.get("n_read", len(df) + len(rejects)))
    print(f"read {n_read} · accepted {len(df)} · rejected {len(rejects)}")
    write_table(rejects, Path(a.rejects).with_suffix(""), formats=("csv",))
    if len(rejects):
        print(f"rejects with their reasons: {Path(a.rejects).with_suffix('.csv')}")
        for row in rejects.head(10).itertuples(index=False):
            print(f"  {row.source}:{row.line} [{row.field}] {row.reason}")
        return EXIT_FAILED
    return EXIT_OK


def _cmd_lexicon(a):
    from framing.lexicon import list_lexicons, load_lexicon

    if a.lexicon_command == "list":
        _print_table(list_lexicons())
        return EXIT_OK
    lex = load_lexicon(a.path)
    n_labels = sum(len(v) for r in lex.referents.values() for v in r.labels.values())
    print(f"ok: {lex.name} (version {lex.version}) — {len(lex.categories)} categories, "
          f"{len(lex.referents)} referents, {n_labels} labels")
    return EXIT_OK


_COMMANDS = {"analyze": _cmd_analyze, "compare": _cmd_compare, "trends": _cmd_trends, "kwic": _cmd_kwic,
             "validate": _cmd_validate, "lexicon": _cmd_lexicon}


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on a usage error
    try:
        return _COMMANDS[args.command](args)
    except _UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"framing {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except FramingError as exc:
        print(f"framing {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("framing: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
