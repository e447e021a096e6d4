"""Bad-input catalogue, round two (issue 14): command-line and ``analyze(...)`` arguments.

Each :class:`ArgCase` is one argument given to a command (``framing analyze|trends|compare|kwic``) and,
where the argument exists in the library, to the function (``framing.analyze``, ``framing.trends``,
``framing.kwic``, ...). ``exit`` is what the command must give: 2 a usage error (found before anything
is read or written), 1 a failed run (the corpus lacks a ``--by`` column: known once it is read), 0 it
works (``check`` says whether the output came through). A usage error or failed run prints one error
line naming ``option`` and matching ``pattern``, and leaves no output.

``library(corpus, out)`` calls the library with the same argument; for an error case it must raise a
:class:`framing.FramingError` matching ``lib_pattern`` (and create nothing at ``out``), for an ok case it
returns what ``lib_check`` is given. ``cls`` is the issue class the case was filed under (traceback /
silent / runaway / unsafe / other) and ``before`` what the tool did before the fix, so the cases can
be tallied.

The Arabic is written for these tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ArgCase", "ARG_CASES", "args_corpus", "SECTIONS", "UNREACHABLE"]

#: the sections of :func:`args_corpus` (one document has none)
SECTIONS = ("سياسة", "اقتصاد")
#: a Dask scheduler address where nothing listens (port 1 on this machine: refused at once)
UNREACHABLE = "tcp://127.0.0.1:1"

_TEXTS = ["تقدمت ميليشيات حفتر نحو أطراف المدينة صباح اليوم",
          "أعلن الجيش الوطني الليبي أنه سيطر على الطريق الساحلي",
          "قالت حكومة الوفاق إنها صدت هجوما على المطار",
          "قصفت قوات حفتر مواقع قرب الميناء ليلا"]


def args_corpus(d: Path) -> Path:
    """24 short documents from two outlets over six months, with a ``section`` field (absent in one)."""
    p = d / "sections.jsonl"
    with p.open("w", encoding="utf-8") as fh:
        for i in range(24):
            rec = {"doc_id": f"s{i}", "outlet": ["صحيفة الشاطئ", "إذاعة الواحة"][i % 2],
                   "date": f"2021-0{1 + i % 6}-{10 + i % 17}", "title": f"خبر رقم {i}",
                   "section": SECTIONS[(i // 2) % 2], "text": f"{_TEXTS[i % 4]} ({i})"}
            if i == 23:
                del rec["section"]
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return p


@dataclass(frozen=True)
class ArgCase:
    name: str
    cls: str  # traceback | silent | runaway | unsafe | other
    before: str  # what happened before the fix
    command: str | None  # analyze | trends | compare | kwic; None: an argument of the library only
    args: tuple[str, ...]  # after the corpus, the lexicon (kwic: the term) and --out
    exit: int  # 2 usage error, 1 failed run, 0 works
    option: str  # the option the error line names
    pattern: str = ""  # regex the error line must match
    library: Callable[[Path, Path], Any] | None = None  # (corpus, out) -> the library call
    lib_pattern: str = ""  # regex the FramingError must match (error cases)
    check: Callable[[Path, str], bool] | None = None  # exit 0: (the --out path, stdout) -> whether it came through
    lib_check: Callable[[Any], bool] | None = None  # ok: what library() returned -> whether it came through
    slow: bool = False

    def __repr__(self) -> str:
        return self.name


# --- library calls -------------------------------------------------------------------------------
def _analyze(**kw: Any) -> Callable[[Path, Path], Any]:
    def call(corpus: Path, out: Path) -> Any:
        import framing

        return framing.analyze(corpus, "libya", out, n_boot=kw.pop("n_boot", 20), progress=False, **kw)
    return call


def _features(corpus: Path) -> Any:
    import framing
    from framing.pipeline.extraction import group_values

    docs = framing.read_corpus(corpus)
    feats = framing.extract_features(docs, "libya")
    return feats.assign(section=group_values(docs, "section").to_numpy())


def _trends(**kw: Any) -> Callable[[Path, Path], Any]:
    def call(corpus: Path, out: Path) -> Any:
        import framing

        return framing.trends(_features(corpus), **kw)
    return call


def _kwic(**kw: Any) -> Callable[[Path, Path], Any]:
    def call(corpus: Path, out: Path) -> Any:
        import framing

        return framing.kwic(framing.read_corpus(corpus), "حفتر", **kw)
    return call


def _compare(**kw: Any) -> Callable[[Path, Path], Any]:
    def call(corpus: Path, out: Path) -> Any:
        import framing

        return framing.compare_outlets(framing.term_counts(framing.extract_matches(framing.read_corpus(corpus),
                                                                                   "libya")), **kw)
    return call


# --- output checks -------------------------------------------------------------------------------
def _all_lines(out: Path, stdout: str) -> bool:
    """kwic printed every line it found (``N lines``, then N of them) and wrote them all to --out."""
    import pandas as pd

    head, *rows = stdout.strip().splitlines()
    n = int(head.split()[0])
    return n > 0 and len(rows) == n == len(pd.read_csv(out))


def _csv_grouped_by_section(path: Path, stdout: str = "") -> bool:
    import pandas as pd

    table = pd.read_csv(path)
    return "section" in table.columns and set(SECTIONS) | {"(no section)"} == set(table["section"])


def _report_grouped_by_section(out: Path, stdout: str = "") -> bool:
    import pandas as pd

    shares = pd.read_csv(out / "label_shares.csv")
    odds = pd.read_csv(out / "log_odds.csv")
    trends = pd.read_csv(out / "trends.csv")
    groups = set(SECTIONS) | {"(no section)"}
    return (set(shares["section"]) == groups and set(trends["section"]) == groups
            and set(odds["section"]) <= groups and "outlet" not in shares.columns
            and (out / "report.html").exists())


def _result_grouped_by_section(result: Any) -> bool:
    return _report_grouped_by_section(result.out)


def _table_by_section(table: Any) -> bool:
    return "section" in table.columns and set(SECTIONS) <= set(table["section"])


_FREQ = r"expected a pandas frequency such as 'MS' \(month\), 'QS' \(quarter\), 'YS' \(year\)"
_FREE_TEXT = r"is free text: about one group per document, too many to compare"
_DATE = r"'date' is bucketed into periods by freq \(--freq MS months"

ARG_CASES: list[ArgCase] = [
    # --- --freq --------------------------------------------------------------------------------------
    ArgCase("analyze_freq_0D", "traceback", "ZeroDivisionError after the whole extraction", "analyze",
            ("--freq", "0D"), 2, "--freq", _FREQ + r".*got '0D'; multiples such as '0D' are not supported",
            _analyze(freq="0D"), r"^freq: .*got '0D'"),
    ArgCase("analyze_freq_unknown", "other", "failed only after the whole extraction, leaving 6 files", "analyze",
            ("--freq", "XYZ"), 2, "--freq", _FREQ + r".*got 'XYZ'$", _analyze(freq="XYZ"), r"^freq: .*got 'XYZ'"),
    ArgCase("trends_freq_0D", "other", "exit 1 after reading the whole corpus", "trends", ("--freq", "0D"), 2,
            "--freq", _FREQ, _trends(freq="0D"), r"^freq: .*got '0D'"),
    ArgCase("trends_freq_unknown", "other", "exit 1 after reading the whole corpus", "trends",
            ("--freq", "fortnightly"), 2, "--freq", _FREQ + r".*got 'fortnightly'", _trends(freq="fortnightly"),
            r"^freq: "),
    # --- --seed, --n-boot, --batch-size, --top -----------------------------------------------------------
    ArgCase("analyze_seed_negative", "traceback", "numpy ValueError traceback ('expected non-negative integer')",
            "analyze", ("--seed", "-1"), 2, "--seed", r"expected a whole number >= 0 \(or None for fresh randomness\), "
            r"got -1", _analyze(seed=-1), r"^seed: expected a whole number >= 0"),
    ArgCase("trends_bootstrap_seed_negative", "traceback", "numpy ValueError traceback from trends(method='bootstrap')",
            None, (), 0, "", "", _trends(method="bootstrap", n_boot=20, seed=-1),
            r"^seed: expected a whole number >= 0"),
    ArgCase("analyze_n_boot_0", "other", "failed only after the whole extraction, leaving 6 files", "analyze",
            ("--n-boot", "0"), 2, "--n-boot", r"a whole number >= 1\), got 0", _analyze(n_boot=0),
            r"^n_boot: .*got 0"),
    ArgCase("analyze_n_boot_huge", "runaway", "10**9 replicates allocated in memory (bootstrap arrays)", "analyze",
            ("--n-boot", "1000000000"), 2, "--n-boot", r"at most 10,000 bootstrap replicates .*got 1000000000",
            _analyze(n_boot=10**9), r"^n_boot: expected at most 10,000"),
    ArgCase("trends_bootstrap_n_boot_0", "other", "a clear error already (kept as a case)", None, (), 0, "", "",
            _trends(method="bootstrap", n_boot=0), r"^n_boot: expected an integer >= 1, got 0"),
    ArgCase("trends_ci_out_of_range", "other", "a clear error already (kept as a case)", None, (), 0, "", "",
            _trends(ci=1.5), r"^ci: expected a coverage level strictly between 0 and 1"),
    ArgCase("analyze_batch_size_negative", "other", "a usage error since #12 (kept as a case)", "analyze",
            ("--batch-size", "-5"), 2, "--batch-size", r"a whole number >= 1\), got -5", _analyze(batch_size=-5),
            r"^batch_size: "),
    ArgCase("analyze_batch_size_huge", "runaway", "the whole corpus held as one batch (memory not bounded)",
            "analyze", ("--batch-size", "1000000000"), 2, "--batch-size", r"at most 100,000 documents per batch",
            _analyze(batch_size=10**9), r"^batch_size: expected at most 100,000"),
    ArgCase("analyze_top_0", "other", "a usage error since #12 (kept as a case)", "analyze", ("--top", "0"), 2,
            "--top", r"expected a positive number of outlets to chart, got 0", _analyze(top=0), r"^top: "),
    ArgCase("compare_top_negative", "silent", "printed all but the last row of each outlet (head(-1)), exit 0",
            "compare", ("--lexicon", "libya", "--top", "-1"), 2, "--top",
            r"expected rows to print per outlet \(a whole number >= 1\), got -1"),
    ArgCase("compare_top_0", "silent", "printed no row and exit 0", "compare", ("--lexicon", "libya", "--top", "0"),
            2, "--top", r"a whole number >= 1\), got 0"),
    ArgCase("compare_min_count_0", "other", "a clear error already (kept as a case)", None, (), 0, "", "",
            _compare(min_count=0), r"^min_count: expected an integer >= 1"),
    # --- kwic --limit / --window ---------------------------------------------------------------------
    ArgCase("kwic_limit_negative", "silent", "printed all but the last 2 lines, exit 0", "kwic", ("--limit", "-2"), 2,
            "--limit", r"expected lines to print, 0 for all \(a whole number >= 0\), got -2"),
    ArgCase("kwic_limit_0_prints_all", "silent", "printed no line (head(0)), exit 0", "kwic", ("--limit", "0"), 0,
            "", "", check=_all_lines),
    ArgCase("kwic_window_negative", "other", "exit 1 after reading the whole corpus", "kwic", ("--window", "-1"), 2,
            "--window", r"expected words each side \(a whole number >= 0\), got -1", _kwic(window=-1),
            r"^window: expected an integer >= 0, got -1"),
    # --- --by ------------------------------------------------------------------------------------------
    ArgCase("analyze_by_missing_column", "traceback", "KeyError: 'nosuchcol'", "analyze", ("--by", "nosuchcol"), 1,
            "by", r"column 'nosuchcol' is not in the corpus; columns: .*\bsection\b", _analyze(by="nosuchcol"),
            r"^by: column 'nosuchcol' is not in the corpus; columns: .*\bsection\b"),
    ArgCase("trends_by_missing_column", "other", "the columns listed were the features table's, not the corpus's",
            "trends", ("--by", "desk"), 1, "by", r"column 'desk' is not in the corpus; columns: .*\btitle\b"),
    ArgCase("compare_by_missing_column", "other", "no --by (compare grouped by outlet only)", "compare",
            ("--lexicon", "libya", "--by", "desk"), 1, "by", r"column 'desk' is not in the corpus; columns: "),
    ArgCase("analyze_by_title", "traceback", "KeyError: 'title'", "analyze", ("--by", "title"), 2, "--by",
            _FREE_TEXT, _analyze(by="title"), r"^by: 'title' " + _FREE_TEXT),
    ArgCase("analyze_by_text", "traceback", "KeyError: 'text' (or one group per document)", "analyze",
            ("--by", "text"), 2, "--by", _FREE_TEXT, _analyze(by="text"), r"^by: 'text' "),
    ArgCase("analyze_by_doc_id", "runaway", "one group per document: charts and tables per document", "analyze",
            ("--by", "doc_id"), 2, "--by", r"one group per document, too many to compare", _analyze(by="doc_id"),
            r"^by: 'doc_id' is one group per document"),
    ArgCase("trends_by_title", "other", "exit 1 after reading: 'title' is not in the features table", "trends",
            ("--by", "title"), 2, "--by", _FREE_TEXT),
    ArgCase("analyze_by_date", "other", "failed inside with \"missing column outlet\" (AttributeError)", "analyze",
            ("--by", "date"), 2, "--by", _DATE, _analyze(by="date"), r"^by: " + _DATE),
    ArgCase("trends_by_date", "silent", "one group per calendar day, beside the --freq periods, exit 0", "trends",
            ("--by", "date"), 2, "--by", _DATE),
    ArgCase("analyze_by_section", "traceback", "KeyError: 'section' where grouped output was expected", "analyze",
            ("--by", "section", "--n-boot", "20"), 0, "", "", _analyze(by="section"), check=_report_grouped_by_section,
            lib_check=_result_grouped_by_section, slow=True),
    ArgCase("analyze_by_section_streamed", "traceback", "KeyError: 'section' (wire copies kept: streamed)",
            "analyze", ("--by", "section", "--n-boot", "20", "--keep-copies"), 0, "", "",
            _analyze(by="section", copies="keep"), check=_report_grouped_by_section,
            lib_check=_result_grouped_by_section, slow=True),
    ArgCase("trends_by_section", "other", "exit 1: 'section' is not in the features table", "trends",
            ("--by", "section"), 0, "", "", _trends(by="section"), check=_csv_grouped_by_section,
            lib_check=_table_by_section),
    ArgCase("compare_by_section", "other", "no --by (compare grouped by outlet only)", "compare",
            ("--lexicon", "libya", "--by", "section"), 0, "", "", check=_csv_grouped_by_section),
    # --- --workers, --scheduler ------------------------------------------------------------------------
    ArgCase("analyze_workers_negative", "other", "usage error but exit 1, leaving an empty folder", "analyze",
            ("--workers", "-1"), 2, "--workers", r"a whole number >= 1\), got -1", _analyze(workers=-1),
            r"^workers: "),
    ArgCase("analyze_workers_0", "other", "a usage error since #12 (kept as a case)", "analyze", ("--workers", "0"),
            2, "--workers", r"a whole number >= 1\), got 0", _analyze(workers=0), r"^workers: "),
    ArgCase("analyze_scheduler_unreachable", "traceback", "OSError traceback after 30 s (Dask's connect timeout), "
            "after reading the corpus", "analyze", ("--scheduler", UNREACHABLE), 2, "--scheduler",
            r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:1 \(connection refused\); start the scheduler",
            _analyze(scheduler=UNREACHABLE), r"^scheduler: cannot reach the Dask scheduler at tcp://127\.0\.0\.1:1"),
    ArgCase("analyze_scheduler_not_an_address", "other", "a usage error since #12 (kept as a case)", "analyze",
            ("--scheduler", "localhost:8786"), 2, "--scheduler", r"expected the address of a Dask scheduler",
            _analyze(scheduler="localhost:8786"), r"^scheduler: expected the address"),
]


# --- a reader that stops early: stdout a pipe closed before the command writes (leftover of the closing note) ----
@dataclass(frozen=True)
class PipeCase:
    """A command run with its stdout a pipe whose reader has gone (``framing ... | head -1``).

    ``argv`` may name ``{corpus}`` (:func:`args_corpus`), ``{bad}`` (that corpus and a malformed line) and
    ``{out}`` (a file or folder to write). The command must end quietly (nothing about the pipe, no
    traceback) with the exit code it gives when its output is read (``exit``), and write ``{out}`` whole
    (``check(out)``). ``before``: what it did before the fix, with stdout unbuffered (``PYTHONUNBUFFERED``) /
    buffered."""

    name: str
    cls: str
    before: str
    argv: tuple[str, ...]
    exit: int
    check: Callable[[Path], bool] | None = None
    slow: bool = False

    def __repr__(self) -> str:
        return self.name


def pipe_corpora(d: Path) -> dict[str, Path]:
    """The paths a :class:`PipeCase` may name."""
    corpus = args_corpus(d)
    bad = d / "bad.jsonl"
    bad.write_text(corpus.read_text(encoding="utf-8") + '{"outlet": "x", "text": \n', encoding="utf-8")
    return {"corpus": corpus, "bad": bad, "out": d / "new" / "out"}


def _table_whole(out: Path) -> bool:
    import pandas as pd

    return len(pd.read_csv(out)) > 0


def _rejects_whole(out: Path) -> bool:
    import pandas as pd

    return len(pd.read_csv(out)) == 1


def _report_whole(out: Path) -> bool:
    return (out / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


_INTERNAL = "internal error (BrokenPipeError), exit 1 / 'Exception ignored ... BrokenPipeError', exit 120"

PIPE_CASES: list[PipeCase] = [
    PipeCase("pipe_lexicon_check", "traceback", _INTERNAL, ("lexicon", "check", "libya"), 0),
    PipeCase("pipe_lexicon_list", "traceback", _INTERNAL, ("lexicon", "list"), 0),
    PipeCase("pipe_help", "traceback", "quiet, exit 0 / 'Exception ignored ... BrokenPipeError', exit 120",
             ("kwic", "--help"), 0),
    PipeCase("pipe_kwic", "traceback", _INTERNAL, ("kwic", "{corpus}", "حفتر", "--limit", "0"), 0),
    PipeCase("pipe_trends", "traceback", _INTERNAL, ("trends", "{corpus}", "--lexicon", "libya"), 0),
    PipeCase("pipe_compare_out", "traceback", _INTERNAL + "; unbuffered, the table written was removed",
             ("compare", "{corpus}", "--lexicon", "libya", "--out", "{out}.csv"), 0, _table_whole),
    PipeCase("pipe_validate_rejects", "traceback", _INTERNAL + "; unbuffered, the rejects file was removed "
             "(and exit 1 said nothing of the reject)", ("validate", "{bad}", "--rejects", "{out}.csv"), 1,
             _rejects_whole),
    PipeCase("pipe_analyze", "traceback", _INTERNAL + " (the report in place: analyze prints after it)",
             ("analyze", "{corpus}", "--lexicon", "libya", "--out", "{out}", "--n-boot", "20"), 0, _report_whole,
             slow=True),
]
__all__ += ["PipeCase", "PIPE_CASES", "pipe_corpora"]
