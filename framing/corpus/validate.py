"""Raw records to corpus rows: the :class:`Validator` that accepts or rejects every record.

A batch of :class:`~framing.corpus.formats.RawRecord` values becomes a DataFrame of the corpus table
(``doc_id``, ``outlet``, ``date``, ``title``, ``text``, ``url``, then the file's other fields) and a
:class:`~framing.corpus.rejected.Rejects` list, in ``df.attrs``. Each record's columns are renamed
(``columns=`` and the format's defaults), its text repaired (:mod:`framing.corpus.repair`), its
date parsed (:mod:`framing.corpus.dates`), and it is rejected for: no text content, no outlet, a
value that is not a string where one is expected (a boolean, a number, JSON's ``NaN``/``Infinity``; a
``doc_id`` may be a whole number), a bad date, or a ``doc_id`` seen before (in this batch or an earlier one). The
same validator serves :func:`~framing.corpus.reader.iter_corpus` and the Dask reader of
:mod:`framing.scale`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from framing.corpus.dates import DateColumn
from framing.corpus.jsonfile import JsonConstant
from framing.corpus.records import RawRecord
from framing.corpus.rejected import Rejects
from framing.corpus.repair import fix_chars, has_content, strip_html
from framing.errors import CorpusError, FramingError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Validator", "check_args", "check_record_cap", "CANONICAL_COLUMNS"]

#: the columns every corpus table has, in order (the file's other fields follow)
CANONICAL_COLUMNS = ("doc_id", "outlet", "date", "title", "text", "url")

_TEXT_GUESSES = ("body", "content", "article", "maintext", "story", "full_text", "news", "نص")
_OUTLET_GUESSES = ("source", "publisher", "site", "newspaper", "source_domain", "domain", "source_name",
                   "channel", "account", "المصدر")


def check_args(errors: str, columns: Any, batch_size: int) -> dict[str, str]:
    """Check the arguments shared by the corpus readers; return the ``columns`` mapping (a copy, or
    ``{}``).

    >>> check_args("collect", {"body": "text"}, 10)
    {'body': 'text'}
    >>> check_args("ignore", None, 10)
    Traceback (most recent call last):
    framing.errors.FramingError: errors must be 'raise' or 'collect', got 'ignore'
    """
    if errors not in ("raise", "collect"):
        raise FramingError(f"errors must be 'raise' or 'collect', got {errors!r}")
    if not isinstance(batch_size, int) or batch_size < 1:
        raise FramingError(f"batch_size must be a positive integer, got {batch_size!r}")
    if columns is None:
        return {}
    if not isinstance(columns, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                for k, v in columns.items()):
        raise FramingError("columns must map file column names to corpus names, e.g. "
                           "{'body': 'text', 'source': 'outlet'}")
    return dict(columns)


def check_record_cap(max_record_bytes: Any) -> int:
    """``max_record_bytes`` if it is a positive whole number of bytes.

    >>> check_record_cap(0)
    Traceback (most recent call last):
    framing.errors.FramingError: max_record_bytes must be a positive number of bytes, got 0
    """
    if isinstance(max_record_bytes, bool) or not isinstance(max_record_bytes, int) or max_record_bytes < 1:
        raise FramingError(f"max_record_bytes must be a positive number of bytes, got {max_record_bytes!r}")
    return max_record_bytes


def _suggest(found: Iterable[str], target: str) -> str:
    guesses = _TEXT_GUESSES if target == "text" else _OUTLET_GUESSES
    hit = next((c for c in found if c.lower() in guesses), None)
    src = hit or ("body" if target == "text" else "source")
    return f"columns={{{src!r}: {target!r}}}"


def _kind(value: Any) -> str:
    """How a value that is not a string is named in a reject.

    >>> _kind(True), _kind(5), _kind(JsonConstant("NaN")), _kind({"a": 1})
    ('a boolean (True)', 'a number (5)', 'the literal NaN (not JSON)', 'a dict')
    """
    if isinstance(value, JsonConstant):
        return f"the literal {value.literal} (not JSON)"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    return f"a {type(value).__name__}"


def _to_str(value: Any, name: str) -> str | None:
    """A corpus field as a string (None when missing); TypeError naming what was found instead.

    ``doc_id`` may also be a whole number; ``outlet``, ``title``, ``text`` and ``url`` must be strings
    (a float NaN, as pandas marks a missing value, counts as missing; JSON's NaN literal does not).
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value) and not isinstance(value, JsonConstant):
        return None
    if name == "doc_id" and not isinstance(value, (bool, JsonConstant)):
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
    raise TypeError(_kind(value))


_EXPECTED = {"doc_id": "a string or a whole number"}


class _FirstSeen(NamedTuple):
    source: str
    line: int


class _SeenIds:
    """The doc_ids seen so far, in 16 bytes each: a 64-bit hash and where it was first seen.

    A set of strings costs ~250 bytes per document, which on a corpus of millions is most of the
    reader's memory. Hashes are pandas' stable 64-bit hash; the chance that two different ids of a
    million-document corpus collide is about 1e-8.
    """

    def __init__(self) -> None:
        self.sources: list[str] = []
        self.hashes = np.empty(0, dtype=np.uint64)  # sorted
        self.where = np.empty(0, dtype=np.int64)    # source index << 40 | line, aligned with hashes

    def add(self, ids: list[str], sources: list[str], lines: list[int]) -> list[_FirstSeen | None]:
        """Record ids; return for each where it was first seen, or None if new."""
        import pandas as pd

        if not ids:
            return []
        h = pd.util.hash_array(np.asarray(ids, dtype=object))
        src_index = {}
        for name in dict.fromkeys(sources):
            if name not in self.sources:
                self.sources.append(name)
            src_index[name] = self.sources.index(name)
        packed = np.array([(src_index[sr] << 40) | int(ln) for sr, ln in zip(sources, lines, strict=True)],
                          dtype=np.int64)
        out: list[_FirstSeen | None] = [None] * len(ids)
        pos = np.searchsorted(self.hashes, h)
        hit = (pos < len(self.hashes)) & (self.hashes[np.minimum(pos, len(self.hashes) - 1)] == h) \
            if len(self.hashes) else np.zeros(len(h), dtype=bool)
        new_first: dict[int, int] = {}
        keep = np.zeros(len(h), dtype=bool)
        for i in range(len(h)):
            if hit[i]:
                out[i] = self._unpack(int(self.where[pos[i]]))
            elif int(h[i]) in new_first:
                out[i] = self._unpack(int(packed[new_first[int(h[i])]]))
            else:
                new_first[int(h[i])] = i
                keep[i] = True
        if keep.any():
            hashes = np.concatenate([self.hashes, h[keep]])
            where = np.concatenate([self.where, packed[keep]])
            order = np.argsort(hashes, kind="stable")
            self.hashes, self.where = hashes[order], where[order]
        return out

    def _unpack(self, value: int) -> _FirstSeen:
        return _FirstSeen(self.sources[value >> 40], value & ((1 << 40) - 1))


class _Problem(NamedTuple):
    field: str | None
    reason: str


class Validator:
    """Turns batches of raw records into accepted rows and rejects, keeping state across batches.

    Parameters
    ----------
    name : str
        The corpus, as named in messages and in ``attrs["source"]``.
    errors : {"raise", "collect"}
        ``"raise"``: :meth:`batch` raises :class:`~framing.errors.CorpusError` for the batch's first
        invalid record; ``"collect"``: invalid records go to ``attrs["rejects"]``.
    user, defaults : dict
        Column renames: the user's ``columns=`` and the format's defaults (used only where the
        record does not already have the target name).
    stem : str
        Generated ids are ``"<stem>:<line>"``.
    dayfirst : bool, optional
        The day/month order of ``NN/NN/YYYY`` dates (see :class:`~framing.corpus.dates.DateColumn`);
        decided from the values when None.

    ``checked`` becomes True once the ``text`` and ``outlet`` columns have been found (set it to
    skip that check); ``n_read``, ``n_accepted``, ``n_rejected`` and ``n_repaired`` count records.
    """

    def __init__(self, name: str, errors: str, user: dict[str, str], defaults: dict[str, str], stem: str,
                 dayfirst: bool | None = None):
        self.name, self.errors, self.user, self.defaults, self.stem = name, errors, user, defaults, stem
        self.dates = DateColumn(dayfirst)
        self.seen = _SeenIds()
        self.checked = False
        self.n_read = self.n_accepted = self.n_rejected = self.n_repaired = 0

    def _check_columns(self, keys: list[str]) -> None:
        for target in ("text", "outlet"):
            if target not in keys:
                raise CorpusError(f"no {target!r} column; found columns {keys}; map yours with "
                                  f"{_suggest(keys, target)}", source=self.name, field=target)
        self.checked = True

    def _rename(self, rec: dict[str, Any]) -> dict[str, Any]:
        if not self.user and not self.defaults:
            return rec
        out = {}
        for key, value in rec.items():
            new = self.user.get(key)
            if new is None:
                new = self.defaults.get(key)
                if new is None or new in rec:
                    new = key
            if new in out:
                raise CorpusError(f"two columns end up named {new!r} (check columns=): drop one or map "
                                  "only one of them", source=self.name, field=new)
            out[new] = value
        return out

    def batch(self, raws: list[RawRecord]) -> pd.DataFrame:
        """The accepted rows of ``raws``, in order; ``attrs`` holds ``source``, ``n_read``,
        ``rejects`` and ``n_repaired`` for this batch."""
        import pandas as pd

        problems: dict[int, _Problem] = {}
        good: list[int] = []
        recs: list[dict[str, Any]] = []
        for pos, raw in enumerate(raws):
            if raw.record is None:
                problems[pos] = _Problem(raw.field, raw.problem or "unreadable record")
            else:
                good.append(pos)
                recs.append(self._rename(raw.record))
        if recs and not self.checked:
            keys: dict[str, None] = {}
            for rec in recs:
                keys.update(dict.fromkeys(rec))
            self._check_columns(list(keys))

        columns: dict[str, list[Any]] = {}
        extras: dict[str, None] = {}
        for rec in recs:
            extras.update(dict.fromkeys(k for k in rec if k not in CANONICAL_COLUMNS))
        n = len(recs)
        repaired = [False] * n

        def cleaned(name: str, markup: bool) -> list[Any]:
            vals = [rec.get(name) for rec in recs]
            for k, v in enumerate(vals):
                if isinstance(v, str):
                    text, rep = fix_chars(v)
                    repaired[k] |= rep
                    vals[k] = strip_html(text) if markup else text
            return vals

        for name in ("outlet", "title", "text", "url", "doc_id"):
            vals = cleaned(name, markup=name in ("title", "text"))
            out = []
            for k, v in enumerate(vals):
                try:
                    s = _to_str(v, name)
                except TypeError as exc:
                    found = str(exc)
                    hint = ("; write null for a missing value" if found.startswith("the literal") else
                            "; store it as text (in JSON: in quotes)" if found.startswith(("a boolean", "a number"))
                            else "")
                    problems.setdefault(good[k], _Problem(name, f"expected {_EXPECTED.get(name, 'a string')}, found "
                                                                f"{found}{hint}"))
                    s = None
                if isinstance(s, str) and name != "text":
                    s = s.strip()
                if name == "text" and not (s and has_content(s)):
                    problems.setdefault(good[k], _Problem("text", "empty text: no letter or digit (only "
                                                                  "whitespace, marks or tatweel); drop the "
                                                                  "record or fill the text"))
                elif name == "outlet" and not s:
                    problems.setdefault(good[k], _Problem("outlet", "missing outlet; every document needs "
                                                                    "its outlet"))
                elif name == "doc_id" and not s:
                    s = f"{self.stem}:{raws[good[k]].line}"
                out.append(s if s is not None else "")
            columns[name] = out
        for name in extras:
            columns[name] = [float(v) if isinstance(v, JsonConstant) else v for v in cleaned(name, markup=False)]
        raw_dates = [rec.get("date") for rec in recs]
        for k, v in enumerate(raw_dates):
            if isinstance(v, JsonConstant):
                problems.setdefault(good[k], _Problem("date", f"found the literal {v.literal} (not JSON) for a date; "
                                                              "write null for an unknown date"))
                raw_dates[k] = None
        dates, date_problems = self.dates.parse(raw_dates, [raws[p].source for p in good],
                                                [raws[p].line for p in good])
        for k, p in enumerate(date_problems):
            if p:
                problems.setdefault(good[k], _Problem("date", p))
        ids = columns["doc_id"]
        todo = [k for k, pos in enumerate(good) if pos not in problems]
        firsts = self.seen.add([ids[k] for k in todo], [raws[good[k]].source for k in todo],
                               [raws[good[k]].line for k in todo])
        for k, first in zip(todo, firsts, strict=True):
            if first is not None:
                pos = good[k]
                where = f"line {first.line}" + ("" if first.source == raws[pos].source else f" of {first.source}")
                problems[pos] = _Problem("doc_id", f"duplicate doc_id {ids[k]!r} (first seen at {where}); give "
                                                   "each document a unique id, or drop the doc_id column to "
                                                   "generate ids")

        if problems and self.errors == "raise":
            pos = min(problems)
            raise CorpusError(problems[pos].reason, source=raws[pos].source, line=raws[pos].line,
                              field=problems[pos].field)

        keep = [k for k, pos in enumerate(good) if pos not in problems]
        data = {"doc_id": [ids[k] for k in keep], "outlet": [columns["outlet"][k] for k in keep],
                "date": dates[keep] if n else dates,
                "title": [columns["title"][k] for k in keep], "text": [columns["text"][k] for k in keep],
                "url": [columns["url"][k] for k in keep]}
        df = pd.DataFrame({k: (v if k == "date" else pd.Series(v, dtype="str")) for k, v in data.items()})
        df["date"] = df["date"].astype("datetime64[ns]")
        for name in extras:
            vals = [columns[name][k] for k in keep]
            df[name] = pd.Series(vals, dtype=object).infer_objects() if vals else pd.Series([], dtype=object)
        rej = Rejects({"source": str(raws[pos].source), "line": int(raws[pos].line), "field": problems[pos].field,
                       "reason": problems[pos].reason} for pos in sorted(problems))
        n_rep = sum(1 for k in keep if repaired[k])
        self.n_read += len(raws)
        self.n_accepted += len(df)
        self.n_rejected += len(rej)
        self.n_repaired += n_rep
        df.attrs = {"source": self.name, "n_read": len(raws), "rejects": rej, "n_repaired": n_rep}
        return df

    def finish(self) -> None:
        """After the last batch: raise when no record was read; warn when mojibake was repaired."""
        if self.n_read == 0:
            raise CorpusError("no records found: the file holds no article", source=self.name)
        if self.n_repaired:
            warnings.warn(f"{self.name}: repaired mojibake (UTF-8 read as cp1252/Latin-1) in "
                          f"{self.n_repaired} record(s) with ftfy", UnicodeWarning, stacklevel=3)
