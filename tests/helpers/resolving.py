"""Comparing the batch resolution (``resolve_batch``, ``resolve_counted``) with the per-document reference
(``split_batch`` + ``resolve_split``): shared by tests/lexicon/test_resolve_batch.py and test_resolve_ties.py."""

from __future__ import annotations

import numpy as np

from framing.lexicon import scan
from framing.lexicon.compile import CompiledForms
from framing.lexicon.resolve import resolve_batch, resolve_counted, resolve_split, split_batch
from framing.text.doctexts import DocTexts
from framing.text.normalization import normalize

__all__ = ["PASSES", "batch_hits", "compare_batch", "counted", "same_as_code_points"]


def batch_hits(forms: CompiledForms, norms: list[str]):
    """The hits of ``norms`` as count_batch gathers them: document, key, start, stop (hit order per document)."""
    per_doc = []
    for norm in norms:
        padded, pos = scan.view(norm)
        hits = []
        for end, k in forms.automaton.iter(padded):
            klen, _ids, glob = forms.key_info[k]
            start, stop = end - klen + 1, (padded.find(" ", end + 1) - 1 if glob else end - 1)
            if pos is not None:
                start, stop = pos[start], pos[stop - 1] + 1
            hits.append((start, stop, k))
        per_doc.append(hits)
    docs = np.array([d for d, hits in enumerate(per_doc) for _ in hits], dtype=np.int64)
    starts, stops, keys = (np.array([h[j] for hits in per_doc for h in hits], dtype=np.int64) for j in range(3))
    return docs, keys, starts, stops, np.unique(docs)


def counted(got: list) -> list[tuple[int, int, int, int]]:
    """The matches of resolve_batch that count, as resolve_counted gives them: (document, start, end, entry)."""
    return [(d, r.start, r.end, r.entry) for d, found in enumerate(got) for r in found if not r.reason]


#: how often a comparison resolves the documents: resolve_batch given strs and code points, resolve_counted given each
PASSES = 4


def same_as_code_points(forms: CompiledForms, hits: tuple, norms: list[str], dates, got: list) -> None:
    """resolve_batch given the documents as code points (DocTexts) finds what it finds given strs (``got``), and
    resolve_counted (strs or code points) the counting ones of them."""
    texts = DocTexts.from_strs(norms)
    assert [list(map(tuple, r)) for r in resolve_batch(forms, *hits, texts, dates)] == [list(map(tuple, r))
                                                                                        for r in got]
    want = counted(got)
    for as_given in (norms, texts):
        arrays = resolve_counted(forms, *hits, as_given, dates)
        assert all(a.dtype == np.int64 for a in arrays)
        assert list(zip(*(a.tolist() for a in arrays), strict=True)) == want


def compare_batch(forms: CompiledForms, texts: list[str], dates: list | None) -> int:
    """resolve_batch against split_batch + resolve_split on ``texts``; the matches compared."""
    norms = [normalize(t) for t in texts]
    docs, keys, starts, stops, wanted = batch_hits(forms, norms)
    wanted_norms = [norms[d] for d in wanted.tolist()]
    got = list(resolve_batch(forms, docs, keys, starts, stops, wanted, wanted_norms, dates))
    same_as_code_points(forms, (docs, keys, starts, stops, wanted), wanted_norms, dates, got)
    before = [resolve_split(forms, norm, split, date=None if dates is None else dates[d])
              for d, norm, split in zip(wanted.tolist(), wanted_norms,
                                        split_batch(forms, docs, keys, starts, stops, wanted), strict=True)]
    assert [list(map(tuple, r)) for r in got] == [list(map(tuple, r)) for r in before]
    return sum(map(len, got))
