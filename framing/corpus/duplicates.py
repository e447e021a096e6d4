"""Find wire copy: articles republished word for word (or nearly) by several outlets.

Agency stories (SPA, Reuters, AFP ...) are often printed by many papers with small edits. Counted
as independent articles they inflate one wording across outlets; :func:`find_duplicates` groups
them and :func:`exclude_copies` keeps only each group's original.

Method
------
1. Each text is normalized (:func:`framing.text.normalization.normalize`: diacritics, tatweel and alef
   forms folded ...), split into word tokens, and cut into word ``shingle_size``-grams (shingles).
   A text shorter than that is one shingle. Tokens get integer ids from a vocabulary built in
   corpus order; a shingle's 64-bit hash is a polynomial of its token ids, finished with a
   splitmix64 mix.
2. MinHash: for each of ``num_perm`` hash functions ``h(x) = (a*x + b) mod 2**64 >> 32`` the
   minimum over a document's shingles is taken, all documents at once with
   ``numpy.minimum.reduceat``. The probability that two signatures agree at one position is the
   Jaccard similarity of the two shingle sets.
3. LSH banding: the signature is cut into ``b`` bands of ``r`` rows; two documents whose band
   values agree in some band become a candidate pair. ``b`` and ``r`` are chosen so that a pair at
   ``threshold`` is a candidate with probability >= 0.999.
4. Every candidate pair is checked exactly: by default with the Jaccard similarity of the shingle
   sets, or with their containment (``measure="containment"``: shared shingles over those of the
   shorter text, so an agency story with a paragraph added or cut is still a copy); pairs at
   or above ``threshold`` are joined into groups (connected components). In a group the earliest
   document (by ``date``, then corpus order) is the original and the others are copies.

Step 3 can miss a pair only with the small probability given above; step 4 means no pair below
``threshold`` is ever reported.
"""

from __future__ import annotations

import logging
import re

import numpy as np

from framing.corpus.shingles import MemoryShingles, ShingleSets, ShingleStore
from framing.errors import CorpusError, FramingError
from framing.text.normalization import normalize

__all__ = ["find_duplicates", "exclude_copies", "DUPLICATE_COLUMNS", "DuplicateFinder"]

logger = logging.getLogger(__name__)

DUPLICATE_COLUMNS = ("doc_id", "outlet", "group", "similarity", "is_first")
_NON_WORD = re.compile(r"[\W_]+")
_BIG_BUCKET = 64


def _fold_many(tokens: list[str]) -> list[str]:
    """Normalize many tokens at once (one pass over the joined string), dropping non-word chars.

    Uses the project's ``search`` normalization profile (:mod:`framing.text.normalization`); a
    minimal fold (diacritics, tatweel, alef forms, alef maqsura, teh marbuta) stands in if the
    profile changes the number of lines.
    """
    joined = "\n".join(tokens)
    folded = normalize(joined).split("\n")
    if len(folded) != len(tokens):  # pragma: no cover
        table = str.maketrans("أإآٱىة", "اااايه")
        folded = re.sub("[\u064b-\u065f\u0670\u0640]", "", joined).translate(table).split("\n")
    return [_NON_WORD.sub("", t) for t in folded]


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finalizer on uint64 (wrapping arithmetic)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _token_ids(texts, vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """-> (token ids of all documents concatenated, token count per document). ``vocab`` (folded token
    -> id, grown here) numbers the tokens in order of first appearance, across calls too: texts given in
    batches get the ids they would get in one call."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array([t if isinstance(t, str) else "" for t in texts], type=pa.large_string())
    split = pc.utf8_split_whitespace(arr)
    counts: np.ndarray = np.diff(np.asarray(split.offsets, dtype=np.int64))
    encoded = pc.dictionary_encode(split.flatten())
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    raw_ids = np.asarray(encoded.indices, dtype=np.int64)
    folded = _fold_many(encoded.dictionary.to_pylist())
    fold_id = np.array([vocab.setdefault(f, len(vocab)) if f else -1 for f in folded] or [0], dtype=np.int64)
    ids = fold_id[raw_ids]
    keep = ids >= 0  # tokens that were only punctuation or marks are dropped
    doc_of = np.repeat(np.arange(len(counts)), counts)
    counts = np.bincount(doc_of[keep], minlength=len(counts)).astype(np.int64)
    return ids[keep], counts


def _shingles(texts, k: int, vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """-> (shingle hashes of all documents concatenated, start offset per document, has-words mask).

    A document of n >= k tokens has n - k + 1 shingles, a shorter one exactly one (padded).
    """
    ids, counts = _token_ids(texts, vocab)
    has = counts > 0
    n_win = np.where(has, np.maximum(counts, k) - k + 1, 0)
    width = np.where(has, np.maximum(counts, k) + k - 1, 0)  # tokens, padding, k-1 separators
    starts = np.cumsum(width) - width
    arr = np.zeros(int(width.sum()), dtype=np.uint64)  # 0 = padding / separator
    tok_starts = np.cumsum(counts) - counts
    pos = np.repeat(starts, counts) + (np.arange(len(ids)) - np.repeat(tok_starts, counts))
    arr[pos] = ids.astype(np.uint64) + np.uint64(1)
    n_all = max(len(arr) - k + 1, 0)
    h = np.zeros(n_all, dtype=np.uint64)
    for j in range(k):  # polynomial hash of every window of k tokens
        h = h * np.uint64(0x100000001B3) + arr[j: j + n_all]
    h = _mix(h)
    offsets = np.cumsum(n_win) - n_win
    within = np.arange(int(n_win.sum()), dtype=np.int64) - np.repeat(offsets, n_win)
    hashes = h[np.repeat(starts, n_win) + within]
    return hashes, offsets, has


def _minhash(hashes: np.ndarray, offsets: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    sig = np.empty((len(offsets), num_perm), dtype=np.uint32)
    buf = np.empty_like(hashes)
    for p in range(num_perm):
        np.multiply(hashes, a[p], out=buf)
        np.add(buf, b[p], out=buf)
        # the top 32 bits are monotone in the value, so shifting the minima is the same as
        # taking the minimum of the shifted values
        sig[:, p] = (np.minimum.reduceat(buf, offsets) >> np.uint64(32)).astype(np.uint32)
    return sig


def _choose_bands(num_perm: int, threshold: float) -> tuple[int, int]:
    """Largest rows-per-band r (fewest false candidates) keeping P(candidate | threshold) >= 0.999."""
    best = (num_perm, 1)
    for r in range(1, num_perm + 1):
        if num_perm % r:
            continue
        b = num_perm // r
        if 1 - (1 - threshold**r) ** b >= 0.999:
            best = (b, r)
    return best


def _candidates(sig: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Pairs (i < j) that share a band, as an (m, 2) int64 array."""
    n = sig.shape[0]
    mult = _mix(np.arange(1, rows + 1, dtype=np.uint64))
    pairs = []
    for band in range(bands):
        block = sig[:, band * rows:(band + 1) * rows].astype(np.uint64)
        key = _mix((block * mult).sum(axis=1) + np.uint64(band))
        order = np.argsort(key, kind="stable")
        ks = key[order]
        cut = np.flatnonzero(np.diff(ks)) + 1
        bounds = np.concatenate(([0], cut, [n]))
        sizes = np.diff(bounds)
        # buckets of two (most of them) at once; the same pairs as triu_indices(2, 1) (issue 11: speed)
        twos = bounds[:-1][sizes == 2]
        if len(twos):
            pairs.append(np.stack([order[twos], order[twos + 1]], axis=1))
        for s, size in zip(bounds[:-1][sizes > 2], sizes[sizes > 2], strict=True):
            members = order[s:s + size]
            if size <= _BIG_BUCKET:
                i, j = np.triu_indices(size, 1)
                pairs.append(np.stack([members[i], members[j]], axis=1))
            else:  # a huge bucket (boilerplate): link each member to the first and to its neighbour
                pairs.append(np.stack([np.full(size - 1, members[0]), members[1:]], axis=1))
                pairs.append(np.stack([members[:-1], members[1:]], axis=1))
    if not pairs:
        return np.empty((0, 2), dtype=np.int64)
    p = np.concatenate(pairs).astype(np.int64)
    p.sort(axis=1)
    p = p[p[:, 0] != p[:, 1]]
    return np.unique(p, axis=0)


def _jaccard(x: np.ndarray, y: np.ndarray) -> float:
    inter = np.intersect1d(x, y, assume_unique=True).size
    return inter / (x.size + y.size - inter)


def _containment(x: np.ndarray, y: np.ndarray) -> float:
    inter = np.intersect1d(x, y, assume_unique=True).size
    return inter / min(x.size, y.size)


def find_duplicates(corpus, *, threshold: float = 0.8, shingle_size: int = 5, num_perm: int = 64,
                    seed: int = 0, across_outlets_only: bool = False, measure: str = "jaccard",
                    max_days: float | None = None):
    """Group exact and near-duplicate articles (wire copy) in a corpus.

    See the module docstring for the method (word shingles, MinHash with LSH banding, exact
    Jaccard check of every candidate pair).

    Parameters
    ----------
    corpus : pandas.DataFrame
        The corpus table; needs ``doc_id`` and ``text``; ``outlet`` and ``date`` are used when
        present (the earliest ``date``, then corpus order, decides the original).
    threshold : float
        Minimum Jaccard similarity of the shingle sets for two documents to be linked (0 < t <= 1).
    shingle_size : int
        Words per shingle.
    num_perm : int
        MinHash signature length (more: fewer missed pairs, slower).
    seed : int
        Seed of the MinHash functions (results are reproducible for a given seed).
    across_outlets_only : bool
        When True, only pairs from different outlets are linked.
    measure : {"jaccard", "containment"}
        ``"jaccard"`` (default): shared shingles over all shingles of the pair.
        ``"containment"``: shared shingles over the shingles of the SHORTER text, so a
        copy with a sentence cut or a paragraph added still counts as a copy; LSH then looks for
        candidates down to Jaccard ``t / (3 - t)``, which catches every pair at containment ``t``
        whose lengths differ by at most a factor of two.
    max_days : float or None
        When given, only documents published at most this many days apart are linked (agency copy
        runs the same or the next day; undated documents are never linked under this rule).

    Returns
    -------
    pandas.DataFrame
        One row per document that belongs to a group of two or more: ``doc_id``, ``outlet``,
        ``group`` (int, 0, 1, ... in corpus order of each group's first-listed member), ``similarity``
        (containment or Jaccard, per ``measure``, to the group's original; 1.0 for the original),
        ``is_first`` (True for the original). Documents with no letter or digit are never grouped.

    Examples
    --------
    >>> import pandas as pd
    >>> story = "أعلنت الوزارة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية خلال العام المقبل"
    >>> df = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"],
    ...                    "text": [story, story + " رسميا", "افتتح المعرض الدولي للكتاب أبوابه"]})
    >>> find_duplicates(df)[["doc_id", "group", "is_first"]].to_dict("list")
    {'doc_id': ['a', 'b'], 'group': [0, 0], 'is_first': [True, False]}
    """
    for col in ("doc_id", "text"):
        if col not in getattr(corpus, "columns", ()):
            raise CorpusError(f"find_duplicates needs a corpus table with {col!r}; found columns "
                              f"{list(getattr(corpus, 'columns', []))}", source="<DataFrame>", field=col)
    finder = DuplicateFinder(threshold=threshold, shingle_size=shingle_size, num_perm=num_perm, seed=seed,
                             across_outlets_only=across_outlets_only, measure=measure, max_days=max_days)
    finder.add(corpus)
    return finder.result()


class DuplicateFinder:
    """:func:`find_duplicates` fed batch by batch: :meth:`add` each batch, :meth:`result` at the end gives
    the table :func:`find_duplicates` gives on the batches concatenated (tokens are numbered across
    batches, so the MinHash signatures are the same).

    Held per document: ``doc_id``, ``outlet``, ``date`` and the MinHash signature (``num_perm`` 32-bit
    values); the shingle hashes go to ``store`` (:class:`MemoryShingles` by default; a store on disk keeps
    the memory small whatever the corpus) and only those of the candidate pairs are read back. The
    arguments are those of :func:`find_duplicates`.
    """

    def __init__(self, *, threshold: float = 0.8, shingle_size: int = 5, num_perm: int = 64, seed: int = 0,
                 across_outlets_only: bool = False, measure: str = "jaccard", max_days: float | None = None,
                 store: ShingleStore | None = None):
        if not 0 < threshold <= 1:
            raise FramingError(f"threshold must be in (0, 1], got {threshold!r}")
        if shingle_size < 1 or num_perm < 1:
            raise FramingError("shingle_size and num_perm must be positive integers")
        if measure not in ("containment", "jaccard"):
            raise FramingError(f"measure must be 'containment' or 'jaccard', got {measure!r}")
        self.threshold, self.shingle_size, self.num_perm, self.seed = threshold, shingle_size, num_perm, seed
        self.across_outlets_only, self.measure, self.max_days = across_outlets_only, measure, max_days
        self.store: ShingleStore = store if store is not None else MemoryShingles()
        self._vocab: dict[str, int] = {}
        self._parts: dict[str, list[np.ndarray]] = {k: [] for k in ("ids", "outlets", "days", "start", "n", "has",
                                                                    "sig")}
        self._has_outlet = self._has_date = True

    def add(self, batch) -> None:
        """Take the documents of ``batch`` (a table with ``doc_id`` and ``text``; ``outlet`` and ``date``
        used when present), after those added before."""
        import pandas as pd

        for col in ("doc_id", "text"):
            if col not in getattr(batch, "columns", ()):
                raise CorpusError(f"find_duplicates needs a corpus table with {col!r}; found columns "
                                  f"{list(getattr(batch, 'columns', []))}", source="<DataFrame>", field=col)
        n = len(batch)
        hashes, offsets, has = _shingles(batch["text"].tolist(), self.shingle_size, self._vocab)
        n_win = np.diff(np.append(offsets, len(hashes)))
        parts = self._parts
        parts["start"].append(offsets + self.store.append(hashes))
        parts["n"].append(n_win)
        parts["ids"].append(batch["doc_id"].astype(str).to_numpy(dtype=object))
        self._has_outlet &= "outlet" in batch
        parts["outlets"].append(batch["outlet"].astype(str).to_numpy(dtype=object) if "outlet" in batch
                                else np.full(n, "", dtype=object))
        self._has_date &= "date" in batch
        parts["days"].append(pd.to_datetime(batch["date"], errors="coerce").to_numpy(dtype="datetime64[ns]")
                             if "date" in batch else np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"))
        sig = (_minhash(hashes, offsets[has], self.num_perm, self.seed) if has.any()
               else np.empty((0, self.num_perm), dtype=np.uint32))
        parts["sig"].append(sig)  # of the documents with words (``has``) only
        parts["has"].append(has)

    def result(self):
        """The groups of every document added (the table of :func:`find_duplicates`)."""
        import pandas as pd

        parts = self._parts
        ids = np.concatenate(parts["ids"]) if parts["ids"] else np.empty(0, dtype=object)
        dup = pd.Series(ids, dtype=object).duplicated()
        if dup.any():
            raise CorpusError(f"doc_id must be unique; {ids[dup.to_numpy()][0]!r} repeats (read the corpus with "
                              "read_corpus, which rejects duplicate ids)", source="<DataFrame>", field="doc_id")
        empty = pd.DataFrame({"doc_id": pd.Series([], dtype="str"), "outlet": pd.Series([], dtype="str"),
                              "group": pd.Series([], dtype="int64"), "similarity": pd.Series([], dtype="float64"),
                              "is_first": pd.Series([], dtype="bool")})
        docs = np.flatnonzero(np.concatenate(parts["has"])) if parts["ids"] else np.empty(0, dtype=np.int64)
        if len(docs) < 2:
            return empty
        similar = _containment if self.measure == "containment" else _jaccard
        threshold = self.threshold
        lsh_threshold = threshold / (3 - threshold) if self.measure == "containment" else threshold
        bands, rows = _choose_bands(self.num_perm, lsh_threshold)
        cand = docs[_candidates(np.concatenate(parts["sig"]), bands, rows)]
        outlets = np.concatenate(parts["outlets"])
        if self.across_outlets_only and len(cand):
            cand = cand[outlets[cand[:, 0]] != outlets[cand[:, 1]]]
        days = np.concatenate(parts["days"])
        if self.max_days is not None and len(cand):
            if not self._has_date:
                raise FramingError("max_days needs a 'date' column in the corpus")
            gap = np.abs(days[cand[:, 0]] - days[cand[:, 1]]).astype("timedelta64[s]").astype(float) / 86400
            cand = cand[~np.isnan(gap) & (gap <= self.max_days)]
        shingle_set = ShingleSets(self.store, np.concatenate(parts["start"]), np.concatenate(parts["n"]))
        parent = list(range(len(ids)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        linked = 0
        for i, j in cand.tolist():
            if similar(shingle_set(i), shingle_set(j)) >= threshold:
                linked += 1
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
        logger.info("find_duplicates: %d documents, %d candidate pairs, %d linked", len(ids), len(cand), linked)
        roots = np.array([find(i) for i in range(len(ids))])
        counts = np.bincount(roots, minlength=len(ids))
        members = np.flatnonzero(counts[roots] > 1)
        if not len(members):
            return empty
        if self._has_date:
            date_key = np.where(~np.isnat(days), days.astype("int64"), np.iinfo(np.int64).max)
        else:
            date_key = np.zeros(len(ids), dtype=np.int64)
        order = members[np.lexsort((members, date_key[members], roots[members]))]
        rows_out = []
        group_of_root: dict[int, int] = {}
        first_of_root: dict[int, int] = {}
        for i in order:
            r = roots[i]
            if r not in first_of_root:
                first_of_root[r] = i
        for r in sorted(first_of_root):  # a root is its group's smallest corpus position
            group_of_root[r] = len(group_of_root)
        for i in order:
            r = roots[i]
            first = first_of_root[r]
            sim = 1.0 if i == first else similar(shingle_set(first), shingle_set(i))
            rows_out.append((ids[i], outlets[i], group_of_root[r], sim, i == first))
        out = pd.DataFrame(rows_out, columns=list(DUPLICATE_COLUMNS))
        out = out.sort_values(["group", "is_first"], ascending=[True, False], kind="stable", ignore_index=True)
        return out.astype({"doc_id": "str", "outlet": "str", "group": "int64", "similarity": "float64",
                           "is_first": "bool"})


def exclude_copies(corpus, dups):
    """Return ``corpus`` without the copies flagged by :func:`find_duplicates` (originals stay).

    Parameters
    ----------
    corpus : pandas.DataFrame
        The corpus table (with ``doc_id``).
    dups : pandas.DataFrame
        The result of :func:`find_duplicates` on that corpus.

    Returns
    -------
    pandas.DataFrame
        The rows of ``corpus`` whose ``doc_id`` is not a non-first member of a group, in corpus
        order; ``attrs["n_copies_excluded"]`` says how many rows were removed.
    """
    for col, frame, name in (("doc_id", corpus, "corpus"), ("doc_id", dups, "dups"), ("is_first", dups, "dups")):
        if col not in getattr(frame, "columns", ()):
            raise CorpusError(f"{name} needs a {col!r} column (dups comes from find_duplicates)",
                              source="<DataFrame>", field=col)
    copies = set(dups.loc[~dups["is_first"].astype(bool), "doc_id"].astype(str))
    keep = ~corpus["doc_id"].astype(str).isin(copies)
    out = corpus.loc[keep.to_numpy()].reset_index(drop=True)
    out.attrs["n_copies_excluded"] = int((~keep).sum())
    return out
