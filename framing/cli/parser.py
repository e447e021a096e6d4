"""What the ``framing`` command line accepts: the argument parser, and reading its values.

Building the parser imports nothing heavy (no pandas), so ``framing --help`` answers at once.
"""

from __future__ import annotations

import argparse

from framing.vocabulary import VOICES

__all__ = ["build_parser", "UsageError", "parse_columns", "read_options", "METHOD_CHOICES"]

#: ``--method``: :data:`framing.analyses.compare.METHODS`, spelled out so that the parser loads no pandas
METHOD_CHOICES = ("log_odds", "g2", "chi2", "log_ratio")


class UsageError(Exception):
    """The command line asks for something that cannot be done (exit code 2, with the usage line)."""


def parse_columns(pairs: list[str] | None) -> dict[str, str] | None:
    """``--columns SRC=DST`` values as a mapping (None when none was given).

    >>> parse_columns(["body=text", "source = outlet"])
    {'body': 'text', 'source': 'outlet'}
    """
    mapping = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise UsageError(f"--columns takes FILE_COLUMN=OUR_COLUMN (e.g. body=text), got {pair!r}")
        src, dst = pair.split("=", 1)
        mapping[src.strip()] = dst.strip()
    return mapping or None


def read_options(a: argparse.Namespace) -> dict:
    """``--columns``, ``--encoding``, ``--max-record-mb`` and ``--dayfirst``/``--monthfirst`` as keyword
    arguments of :func:`framing.read_corpus` (the cap and the date order only when given).

    >>> read_options(argparse.Namespace(columns=["body=text"], encoding="cp1256", max_record_mb=0.5))
    {'columns': {'body': 'text'}, 'encoding': 'cp1256', 'max_record_bytes': 524288}
    """
    options: dict = {"columns": parse_columns(a.columns), "encoding": getattr(a, "encoding", None)}
    mb = getattr(a, "max_record_mb", None)
    if mb is not None:
        if not mb > 0 or int(mb * 2**20) < 1:
            raise UsageError(f"--max-record-mb: expected a positive number of megabytes, got {mb:g}")
        options["max_record_bytes"] = int(mb * 2**20)
    if getattr(a, "dayfirst", None) is not None:
        options["dayfirst"] = a.dayfirst
    return options


def _version() -> str:
    from framing import __version__

    return __version__


def _add_date_order(p: argparse.ArgumentParser, prefix: str = "") -> None:
    order = p.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_const", const=True, default=None,
                       help=f"{prefix}dates written NN/NN/YYYY are day/month/year (13/02/2020); by default the "
                            "order is told by the dates themselves (a number above 12), and asked for when it "
                            "cannot be")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False,
                       help=f"{prefix}dates written NN/NN/YYYY are month/day/year (02/13/2020)")


def _add_corpus(p: argparse.ArgumentParser, errors: str = "raise", rejects: bool = True) -> None:
    p.add_argument("corpus", help="corpus file or folder (.jsonl, .jsonl.gz, .csv, .tsv, .parquet, "
                                  "a folder of .txt or news-please .json files)")
    p.add_argument("--columns", action="append", metavar="SRC=DST",
                   help="map a column of the file to one of ours, e.g. --columns body=text (repeatable)")
    p.add_argument("--errors", choices=["raise", "collect"], default=errors,
                   help="bad records: 'raise' stops at the first with its file, line, field and fix; "
                        "'collect' sets them aside (counted, with their reasons) and goes on "
                        f"(default: {errors})")
    p.add_argument("--encoding", metavar="NAME",
                   help="text encoding of the corpus, a Python codec name such as utf-8, cp1256 or utf-16 "
                        "(default: detected)")
    p.add_argument("--max-record-mb", type=float, metavar="MB",
                   help="the longest record read, in megabytes (default 40): a longer line or article file is "
                        "rejected without being read into memory")
    _add_date_order(p)
    if rejects:
        p.add_argument("--rejects", metavar="FILE",
                       help="with --errors collect, write the records set aside and their reasons to this "
                            "CSV file (nothing is written without it)")


def _add_lexicon(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("--lexicon", required=required, default=None,
                   help="a bundled lexicon name (see `framing lexicon list`) or a path to a YAML file")


def _add_analyze(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="the whole analysis: tables, charts and report.html",
                       description="Read a corpus, match a lexicon, and write tables (CSV and Parquet), "
                                   "PNG charts and one self-contained report.html into --out. Bad records "
                                   "are collected into rejects.csv there (--errors raise to stop instead).")
    _add_corpus(p, errors="collect", rejects=False)
    _add_lexicon(p)
    p.add_argument("--out", required=True, help="output folder (must be empty unless --force)")
    p.add_argument("--by", default="outlet",
                   help="column to group by (default: outlet; or another corpus column such as section; not "
                        "title, text or date: free text, and dates go by --freq)")
    p.add_argument("--freq", default="MS", help="period for trends: MS months (default), QS quarters, YS years, "
                                                "W weeks, D days")
    p.add_argument("--voice", default="own", choices=VOICES,
                   help="count labels in the outlet's own voice (default), inside quotes, in reported "
                        "speech, or all")
    p.add_argument("--method", default="log_odds", choices=METHOD_CHOICES)
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates (default 1000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--strict", action="store_true", help="the same as --errors raise")
    p.add_argument("--force", action="store_true", help="write into a non-empty --out folder")
    p.add_argument("--batch-size", type=int, default=5000, help="documents per batch (bounded memory)")
    p.add_argument("--workers", type=int, help="start a local Dask cluster with N worker processes (at most the "
                                                "CPU cores available: more is capped, with a warning)")
    p.add_argument("--scheduler", help="use an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (checked first: "
                                       "one that does not answer within 5 s stops the run)")
    # issue 11 (pipeline): outlets drawn in charts, wire-copy policy
    p.add_argument("--top", type=int, default=12,
                   help="outlets drawn in the charts, those with most labels (default 12); tables keep all")
    p.add_argument("--keep-copies", action="store_true",
                   help="count later wire copies too (default: set aside, as the notebooks do, which reads the "
                        "corpus twice; keeping them reads it once)")


def _add_readers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="compare outlets' terms (log-odds, G2, chi2, log ratio)",
                       description="One-vs-rest or pairwise comparison of outlets with Benjamini–Hochberg "
                                   "q-values.")
    _add_corpus(p)
    p.add_argument("--lexicon", help="lexicon (required with --vocabulary lexicon)")
    p.add_argument("--vocabulary", default="lexicon", choices=["lexicon", "all"])
    p.add_argument("--method", default="log_odds", choices=METHOD_CHOICES)
    p.add_argument("--mode", default="one_vs_rest", choices=["one_vs_rest", "pairwise"])
    p.add_argument("--by", default="outlet",
                   help="column to compare (default: outlet; or another corpus column such as section)")
    p.add_argument("--top", type=int, default=10, help="rows per outlet to print (default 10)")
    p.add_argument("--out", help="write the full table to this CSV file")

    p = sub.add_parser("trends", help="stance shares per period, and change-points",
                       description="Share of each stance per period and outlet, with 95%% intervals.")
    _add_corpus(p)
    _add_lexicon(p)
    p.add_argument("--freq", default="MS", help="period: MS months (default), QS quarters, YS years, W weeks, "
                                                "D days")
    p.add_argument("--by", default="outlet",
                   help="column to group by (default: outlet; or another corpus column such as section)")
    p.add_argument("--referent", help="only this referent")
    p.add_argument("--voice", default="own", choices=VOICES)
    p.add_argument("--out", help="write the table to this CSV file")

    p = sub.add_parser("kwic", help="concordance lines for a term, in the original spelling",
                       description="Keyword in context: a lexicon entry, referent or plain word.")
    _add_corpus(p)
    p.add_argument("term", help="a plain word or phrase, or with --lexicon an entry / referent / category")
    p.add_argument("--lexicon")
    p.add_argument("--window", type=int, default=8, help="words each side (default 8)")
    p.add_argument("--voice", default="all", choices=VOICES)
    p.add_argument("--limit", type=int, default=50, help="lines to print (default 50; 0 prints them all)")
    p.add_argument("--out", help="write all lines to this CSV file")

    p = sub.add_parser("validate", help="read a corpus and report every bad record",
                       description="Prints `read N · accepted A · rejected R` and the first rejects with "
                                   "their reasons; --rejects FILE writes them all. Exit 1 when any record "
                                   "was rejected.")
    _add_corpus(p, errors="collect")


def _add_lexicon_commands(sub: argparse._SubParsersAction) -> None:
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
    c.add_argument("--encoding", metavar="NAME", help="with --corpus: its text encoding (default: detected)")
    _add_date_order(c, "with --corpus: ")


def build_parser() -> argparse.ArgumentParser:
    """The ``framing`` argument parser, one subcommand per job."""
    parser = argparse.ArgumentParser(
        prog="framing",
        description="Measure how Arabic news outlets frame the same events through word choice.",
    )
    parser.add_argument("--version", action="version", version=f"framing {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    _add_analyze(sub)
    _add_readers(sub)
    _add_lexicon_commands(sub)
    return parser
