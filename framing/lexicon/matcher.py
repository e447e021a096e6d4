"""Finding lexicon terms in text: whole words, clitic- and inflection-aware, scoped, voice-aware.

The whole lexicon is compiled once (:mod:`framing.lexicon.compile`) into an Aho-Corasick automaton
(pyahocorasick) over every surface form of every term (proclitics on the first word, inflection on the
last: see :mod:`framing.text.morphology`; a pattern ``ميليشي*`` matches every word it starts). Text is
normalized with the ``search`` profile and read through a view in which every hit is a whole-word hit
(:mod:`framing.lexicon.scan`). Python only looks at the hits (:mod:`framing.lexicon.resolve`): it picks
the longest match, attaches labels and qualifiers to referents (:mod:`framing.lexicon.attach`), applies
the scope rules (:mod:`framing.lexicon.scope`) and the voice (:mod:`framing.text.voice`).

Rules
-----
* Matches of one kind do not overlap; the leftmost, then the longest, wins.
* A label is reported only when it names a referent: an alias of the referent follows it within the
  lexicon's ``window`` words, directly, through titles, modifiers, construct heads, brackets or a
  linker (a plain word between the label and the alias must be followed by a linker); or the label
  is self-identifying. Modifiers may also stand inside a multi-word term (الحكومة الليبية المعترف
  بها دوليا).
* A label inside the span of a longer alias is part of that name, not a label.
* A qualifier category (``qualifies``) counts only right next to (at most one word from) a referent's
  alias or label that counts (the head); the match reports that referent. A qualifier right after a
  negator (غير المعترف بها) is reported as ``negated`` and does not count.
* Scope: a hit inside a longer ``exclude`` phrase, in a document without the ``context`` words, or
  dated outside the ``valid`` ranges is kept with ``in_scope=False`` and its ``scope_reason``.
* Voice (:mod:`framing.text.voice`): ``own``, ``quoted`` (inside quotation marks, scare quotes included)
  or ``reported`` (attributed speech without quotation marks). A quoted *name* (an alias, a neutral
  or a self-identifying label alone in quotes, as house style) stays in the outlet's own voice.

>>> from framing.lexicon.load import Lexicon
>>> lex = Lexicon.from_dict({"name": "toy", "linkers": ["الموالية"], "referents": {"haftar_camp": {
...     "aliases": ["حفتر"], "labels": {"delegitimizing": [{"term": "ميليشيا", "variants": ["مليشيا"]}],
...     "neutral": ["قوات"]}}}})
>>> text = "اشتبكت وميليشيات حفتر مع القوات الموالية لحفتر"
>>> [(text[m.start:m.end], m.stance) for m in find_matches(text, lex)]
[('وميليشيات', 'delegitimizing'), ('القوات', 'neutral')]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from framing.errors import FramingError
from framing.lexicon.compile import ALIAS, CATEGORY, LABEL, CompiledForms
from framing.lexicon.load import as_lexicon
from framing.lexicon.resolve import Resolved, resolve
from framing.lexicon.scan import BatchCounts, count_batch, text_hits
from framing.lexicon.scan import view as scan_view
from framing.lexicon.scope import SCOPE_REASONS
from framing.text.normalization import offsets_array, original_span
from framing.text.voice import VoiceIndex
from framing.vocabulary import MATCH_FIELDS

__all__ = ["Match", "find_matches", "compile_lexicon", "CompiledLexicon", "MATCH_FIELDS", "SCOPE_REASONS"]


@dataclass(frozen=True, slots=True)
class Match:
    """One match. ``text[start:end] == surface`` is exactly what was written in the original text.

    ``voice``: ``"own"``, ``"quoted"`` or ``"reported"``; ``in_scope`` False (with ``scope_reason``)
    for a hit that the lexicon's scope rules keep out of every count.
    """

    start: int
    end: int
    surface: str
    kind: str  # "category" | "label" | "alias"
    category: str | None
    referent: str | None
    stance: str | None
    term: str
    quoted: bool
    scare_quoted: bool
    alias: str | None = None
    voice: str = "own"
    in_scope: bool = True
    scope_reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in MATCH_FIELDS}


class CompiledLexicon(CompiledForms):
    """A lexicon compiled for matching (built once per lexicon and cached on it): the compiled entries
    and automaton (:class:`framing.lexicon.compile.CompiledForms`) and the operations on text."""

    # -- scanning ------------------------------------------------------------------------------
    @staticmethod
    def view(norm: str) -> tuple[str, list[int] | None]:
        """``(padded view, positions)``: see :func:`framing.lexicon.scan.view`."""
        return scan_view(norm)

    def hits(self, norm: str) -> list[tuple[int, int, tuple[int, ...]]]:
        """All whole-word hits in normalized text: ``(start, end, entry_ids)`` in normalized coordinates."""
        return text_hits(self, norm)

    def resolve(self, norm: str, hits: Iterable[tuple[int, int, tuple[int, ...]]],
                kinds: Iterable[str] = ("category", "label"), date: Any = None) -> list[Resolved]:
        """Turn raw hits into resolved matches (:class:`framing.lexicon.resolve.Resolved`: kind, start,
        end, entry, alias, reason, head), sorted by position; ``reason`` is "" for a hit that counts."""
        return resolve(self, norm, hits, kinds, date)

    # -- voice -----------------------------------------------------------------------------------
    @staticmethod
    def voice_index(norm: str) -> VoiceIndex:
        """The voice classifier for one normalized text (:class:`framing.text.voice.VoiceIndex`)."""
        return VoiceIndex(norm)

    def evaluative(self, kind: str, idx: int) -> bool:
        """Is the term evaluative (quotation marks around it alone are scare quotes), or a name?"""
        return self.is_evaluative(idx)

    # -- batch counting (the features hot path) --------------------------------------------------
    def count_batch(self, texts: list[str], columns: dict[int, int], voice: str = "own",
                    dates: Any = None) -> BatchCounts:
        """Per-document feature counts and whitespace token counts: :func:`framing.lexicon.scan.count_batch`."""
        return count_batch(self, texts, columns, voice, dates)

    # -- the public operation --------------------------------------------------------------------
    def find(self, text: str, kinds: Iterable[str] = ("category", "label"), *, date: Any = None,
             scope: str = "in") -> list[Match]:
        """Matches in ``text``: only those that count (``scope="in"``) or all, with why (``"all"``)."""
        norm, offsets = offsets_array(text)
        hits = text_hits(self, norm)
        if not hits:
            return []
        resolved = resolve(self, norm, hits, kinds, date=date)
        if not resolved:
            return []
        voices = VoiceIndex(norm)
        entries = self.entries
        out = []
        for kind, s, e, idx, attached_idx, reason, head in resolved:
            if reason and scope == "in":
                continue
            role, entry, owner, stance = entries[idx]
            os_, oe = original_span(text, offsets, s, e)
            voice, scare = voices.classify(s, e, norm.count(" ", s, e) + 1, evaluative=self.is_evaluative(idx))
            out.append(Match(
                start=os_, end=oe, surface=text[os_:oe], kind=kind,
                category=owner if role == CATEGORY else None,
                referent=owner if role in (LABEL, ALIAS) else head,
                stance=stance, term=entry.term, quoted=voice == "quoted", scare_quoted=scare,
                alias=entries[attached_idx].entry.term if attached_idx is not None else None,
                voice=voice, in_scope=not reason, scope_reason=reason,
            ))
        return out


def compile_lexicon(lexicon: Any) -> CompiledLexicon:
    """Compile (once; cached on the lexicon object) a lexicon, name or path for matching."""
    lex = as_lexicon(lexicon)
    return lex.cached("compiled", lambda: CompiledLexicon(lex))


def find_matches(text: str, lexicon: Any, *, kinds: Sequence[str] = ("category", "label"), date: Any = None,
                 scope: str = "in") -> list[Match]:
    """Find the lexicon's categories and labels in ``text``.

    Parameters
    ----------
    text : str
        The original text; match offsets index into it.
    lexicon : Lexicon, str or path
        A :class:`framing.Lexicon`, the name of a bundled lexicon or a path to a YAML file.
    kinds : tuple of str
        Which kinds to report: ``"category"``, ``"label"`` and (for concordances) ``"alias"``.
    date : date, str or Timestamp, optional
        The document's date, for entries with ``valid`` ranges.
    scope : {"in", "all"}
        ``"in"`` (default) reports only hits that count; ``"all"`` also those the lexicon's scope
        rules keep out, with ``in_scope=False`` and their ``scope_reason``.

    Returns
    -------
    list of Match, sorted by position.
    """
    if not isinstance(text, str):
        raise FramingError(f"find_matches expects the text as a str, got {type(text).__name__}")
    bad = set(kinds) - {"category", "label", "alias"}
    if bad:
        raise FramingError(f"unknown match kinds {sorted(bad)}; expected category, label or alias")
    if scope not in ("in", "all"):
        raise FramingError(f"scope must be 'in' or 'all'; got {scope!r}")
    return compile_lexicon(lexicon).find(text, kinds, date=date, scope=scope)
