"""Read a news corpus from disk into the corpus table, validating every record.

The corpus table (see ``docs/design.md``) has ``doc_id`` (str), ``outlet`` (str), ``date``
(datetime64[ns], NaT allowed), ``title`` (str), ``text`` (str), ``url`` (str) and any other
fields the file carries.

Formats
-------
* JSON Lines: ``.jsonl`` / ``.ndjson`` (optionally ``.gz``); ``.json`` holding a list of objects.
* Delimited tables: ``.csv``, ``.tsv``, ``.tab``, ``.txt`` (optionally ``.gz``); the delimiter is
  sniffed from the header line, quoted fields may hold newlines.
* Parquet: ``.parquet`` / ``.pq``, streamed by record batches.
* A directory of ``.txt`` files, one article each: the outlet is the sub-folder name, or comes from
  a sidecar ``metadata.csv`` with a ``file`` column (plus ``outlet``, ``date``, ``title``, ...).
* A directory of news-please ``.json`` files: ``title``, ``maintext`` -> ``text``,
  ``date_publish`` -> ``date``, ``source_domain`` -> ``outlet``, ``url``.

Text is repaired on the way in: the encoding is detected when not given (BOM; UTF-16 without BOM
from its NUL pattern; strict UTF-8; otherwise charset-normalizer), mojibake (UTF-8 read as
cp1252/Latin-1, such as ``Ø§Ù„``) is fixed with ftfy and reported with a warning, HTML tags and
entities are removed from ``title`` and ``text`` (``<script>``/``<style>`` with their contents),
NUL characters are dropped and lone surrogates become U+FFFD.

Nothing is dropped silently: every record read is either accepted or rejected, and
``df.attrs`` carries ``n_read`` and ``rejects``. ``attrs["rejects"]`` is a :class:`Rejects` list of
plain records (``{"source", "line", "field", "reason"}``), so the table can be written with
``to_parquet`` and combined with ``pd.concat`` directly; :func:`rejects` gives them as a DataFrame
(also after a Parquet round trip, where they come back as plain dicts).

Dates: ISO 8601 and other common text forms; numbers (or digit strings of 9+ digits) are epoch
timestamps in UTC whose unit is told by their size, as pandas ``to_json`` writes them (default
milliseconds): seconds from 1e8, milliseconds from 1e11, microseconds from 1e14, nanoseconds from 1e17
(each range starts in March 1973, so the units cannot be confused for news dates). Shorter numbers
such as ``20200115`` are read as text (YYYYMMDD). A date with a time zone keeps its local date and time
as written (the offset is dropped). ``NN/NN/YYYY`` dates are read day-first or month-first for the whole
column (``dayfirst=``, or decided from the values); see :mod:`~framing.corpus.dates`.

Folders: hidden files and folders, files of other formats and links to folders are not read, and a
warning counts them; an article file that cannot be read is a reject (see :mod:`~framing.corpus.folders`).

The steps live in their own modules: :mod:`~framing.corpus.textfile` (bytes to lines, encodings),
:mod:`~framing.corpus.formats` (lines to raw records, per format; folders in
:mod:`~framing.corpus.folders`), :mod:`~framing.corpus.validate` (raw records to rows and rejects,
with :mod:`~framing.corpus.repair` and :mod:`~framing.corpus.dates`) and :mod:`~framing.corpus.rejected`;
this module strings them together.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from framing.corpus.dates import DateColumn
from framing.corpus.folders import open_folder, shown
from framing.corpus.formats import SUPPORTED_FORMATS, open_records
from framing.corpus.rejected import Rejects, as_rejects, rejects
from framing.corpus.textfile import MAX_RECORD_BYTES
from framing.corpus.validate import CANONICAL_COLUMNS, Validator, check_args, check_record_cap

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["read_corpus", "iter_corpus", "concat_batches", "rejects", "Rejects", "SUPPORTED_FORMATS",
           "CANONICAL_COLUMNS"]

logger = logging.getLogger(__name__)


def iter_corpus(path: str | Path, *, batch_size: int = 10_000, errors: str = "raise",
                columns: dict[str, str] | None = None, encoding: str | None = None,
                dayfirst: bool | None = None, max_record_bytes: int = MAX_RECORD_BYTES) -> Iterator[pd.DataFrame]:
    """Read a corpus batch by batch, streaming, with the same validation as :func:`read_corpus`.

    JSON Lines and CSV are read line by line, Parquet by record batches, directories file by
    file, so memory stays bounded by ``batch_size`` (plus the set of ``doc_id`` seen, which is
    kept to find duplicates across batches). A ``.json`` list is parsed item by item. No line, Parquet
    row or article longer than ``max_record_bytes`` is held in memory as Python text.

    Parameters
    ----------
    path : str or Path
        A corpus file or directory (see the module docstring for formats).
    batch_size : int
        Records read per batch (accepted plus rejected).
    errors, columns, encoding, dayfirst, max_record_bytes
        As in :func:`read_corpus`. The day/month order of dates is decided by the first batch holding
        a ``NN/NN/YYYY`` date (unless ``dayfirst`` is given); later dates that contradict it are rejected.

    Yields
    ------
    pandas.DataFrame
        Accepted rows of one batch, in file order; ``attrs`` holds that batch's ``n_read``,
        ``rejects`` and ``n_repaired`` and the ``source``. A batch may have no accepted rows.

    Raises
    ------
    CorpusError
        Unreadable input, or (``errors="raise"``) the first invalid record.
    """
    mapping = check_args(errors, columns, batch_size)
    check_record_cap(max_record_bytes)
    DateColumn(dayfirst)  # checks dayfirst before anything is read
    path = Path(path)
    raws, defaults, stem = (open_folder(path, encoding, max_record_bytes) if path.is_dir()
                            else open_records(path, encoding, batch_size, max_record_bytes))
    validator = Validator(shown(path), errors, mapping, defaults, stem, dayfirst=dayfirst)
    while True:
        chunk = list(islice(raws, batch_size))
        if not chunk:
            break
        yield validator.batch(chunk)
    validator.finish()
    logger.info("%s: read %d · accepted %d · rejected %d", validator.name, validator.n_read,
                validator.n_accepted, validator.n_rejected)


def concat_batches(batches: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate corpus batches, merging their ``rejects``, ``n_read`` and ``n_repaired`` attrs.

    ``pandas.concat`` works on the batches too, but keeps ``attrs`` only when all are equal.
    """
    import pandas as pd

    frames: list[pd.DataFrame] = []
    rej, n_read, n_rep, source = Rejects(), 0, 0, None
    for b in batches:
        attrs = dict(b.attrs)
        n_read += attrs.get("n_read", len(b))
        n_rep += attrs.get("n_repaired", 0)
        source = attrs.get("source", source)
        rej.extend(as_rejects(attrs.get("rejects")))
        frame = b.copy(deep=False)
        frame.attrs = {}
        frames.append(frame)
    nonempty = [f for f in frames if len(f)] or frames[:1]
    if nonempty:
        df = pd.concat(nonempty, ignore_index=True)
    else:
        df = pd.DataFrame({c: pd.Series([], dtype="datetime64[ns]" if c == "date" else "str")
                           for c in CANONICAL_COLUMNS})
    df["date"] = df["date"].astype("datetime64[ns]")
    df.attrs = {"source": source, "n_read": n_read, "rejects": rej, "n_repaired": n_rep}
    return df


def read_corpus(path: str | Path, *, errors: str = "raise", columns: dict[str, str] | None = None,
                encoding: str | None = None, dayfirst: bool | None = None,
                max_record_bytes: int = MAX_RECORD_BYTES) -> pd.DataFrame:
    """Read a news corpus into the corpus table.

    Parameters
    ----------
    path : str or Path
        A ``.jsonl``/``.jsonl.gz``/``.json``, ``.csv``/``.tsv``/``.txt`` table, ``.parquet`` file,
        or a directory of ``.txt`` articles or news-please ``.json`` files.
    errors : {"raise", "collect"}
        ``"raise"``: the first invalid record raises :class:`~framing.errors.CorpusError` naming
        the file, line (row for Parquet), field and fix. ``"collect"``: invalid records are set
        aside in ``df.attrs["rejects"]`` (a :class:`Rejects` list of records ``source``, ``line``,
        ``field``, ``reason``; :func:`framing.rejects` gives them as a DataFrame) and reading goes
        on; ``attrs["n_read"] == len(df) + len(attrs["rejects"])``.
    columns : dict, optional
        Maps the file's names to corpus names, e.g. ``{"body": "text", "source": "outlet"}``.
    encoding : str, optional
        Text encoding; detected when omitted (BOM, UTF-16 NUL pattern, strict UTF-8, then
        charset-normalizer).
    max_record_bytes : int
        The longest record read, in bytes (:data:`~framing.corpus.textfile.MAX_RECORD_BYTES`, 40 MiB,
        by default): a longer line of a JSON Lines file or a table, a Parquet row holding more text (its
        values measured from the Arrow buffers, not converted), or a longer article file, is rejected
        without being held in memory as Python text (a JSON file or list item: a ``CorpusError``).
    dayfirst : bool, optional
        The order of dates written ``NN/NN/YYYY`` (or with ``-``/``.``): True for day first
        (``13/02/2020``), False for month first (``02/13/2020``). When omitted it is decided from the
        values (a number above 12 tells); a column with both orders, or where every such date reads
        both ways (``01/02/2020``), raises :class:`~framing.errors.CorpusError` asking for it.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``outlet``, ``date`` (datetime64[ns], NaT when unknown), ``title``, ``text``,
        ``url`` ("" when absent), then the file's other fields. A missing ``doc_id`` is generated
        as ``"<file stem>:<line>"`` (directories: the file's relative path without suffix).

    Raises
    ------
    CorpusError
        Missing ``text``/``outlet`` column (the message lists the columns found and suggests
        ``columns=``), unreadable, empty, binary, truncated or unsupported input, and with
        ``errors="raise"`` any invalid record: empty text, unparsable date, duplicate
        ``doc_id``, malformed or non-object JSON line, an object with a key twice, a value that is
        not a string where one is expected (``outlet``, ``title``, ``text``, ``url``; ``doc_id`` may
        be a whole number) or ``NaN``/``Infinity``, a record over ``max_record_bytes``, malformed
        CSV record.

    Warns
    -----
    UnicodeWarning
        When mojibake was repaired, naming the file and how many records.
    """
    check_args(errors, columns, 1)
    return concat_batches(iter_corpus(path, errors=errors, columns=columns, encoding=encoding, dayfirst=dayfirst,
                                      max_record_bytes=max_record_bytes))
