"""The validated lexicon: :class:`Lexicon`, with its views (entries table, feature names, audit summary).

Build one with :func:`framing.lexicon.load.load_lexicon` (a bundled name or a YAML file) or
:meth:`Lexicon.from_dict`; :mod:`framing.lexicon.schema` checks the structure. What is built from a
lexicon once (the compiled matcher) is kept on it through :meth:`Lexicon.cached`;
:meth:`Lexicon.without_cache` is the same lexicon without it (what is sent to Dask workers).

>>> lex = Lexicon.from_dict({
...     "name": "toy",
...     "referents": {"haftar_camp": {
...         "aliases": ["حفتر"],
...         "labels": {"delegitimizing": [{"term": "ميليشيا", "variants": ["مليشيا"]}],
...                    "neutral": ["قوات"]}}}})
>>> lex.feature_names
['label:haftar_camp:delegitimizing', 'label:haftar_camp:neutral']
>>> lex.audit_summary().meets
False
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

from framing.lexicon.entries import Category, Entry, Referent
from framing.lexicon.schema import LexiconSchema
from framing.vocabulary import STANCES

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

__all__ = ["Lexicon", "AuditSummary"]

_T = TypeVar("_T")


class AuditSummary(NamedTuple):
    """One line on a lexicon's measured validity for reports, and whether it meets the bar."""

    text: str
    meets: bool


@dataclass(frozen=True, eq=False)
class Lexicon:
    """A validated lexicon. Build with :func:`~framing.lexicon.load.load_lexicon` or :meth:`Lexicon.from_dict`."""

    name: str
    version: int
    description: str
    sources: str
    window: int
    linkers: tuple[Entry, ...]
    titles: tuple[Entry, ...]
    categories: dict[str, Category]
    referents: dict[str, Referent]
    source: str = "<dict>"
    exclude: tuple[str, ...] = ()
    undated: str = "count"
    modifiers: tuple[Entry, ...] = ()
    heads: tuple[Entry, ...] = ()
    negators: tuple[str, ...] = ()
    audit: dict[str, Any] = field(default_factory=dict)  # measured validity on real text (docs/lexicon-format.md)
    # what cached() keeps (the compiled matcher); not an argument, so every new or replaced lexicon starts empty
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<dict>", lines: dict[str, int] | None = None) -> Lexicon:
        """Validate a lexicon given as a dict (the structure of the YAML file).

        ``source`` names it in error messages; ``lines`` maps dotted paths to line numbers of the file.
        """
        return cls(**LexiconSchema(source, lines).fields(data))

    # -- what is built from the lexicon once ---------------------------------------------------
    def cached(self, key: str, build: Callable[[], _T]) -> _T:
        """The value kept on this lexicon under ``key``, made by ``build()`` the first time it is asked for.

        :func:`framing.lexicon.matcher.compile_lexicon` keeps the compiled matcher here (key ``"compiled"``).
        A copy made with :func:`dataclasses.replace` or :meth:`without_cache` starts with nothing kept.
        """
        if key not in self._cache:
            self._cache[key] = build()
        return cast(_T, self._cache[key])

    def without_cache(self) -> Lexicon:
        """This lexicon without what :meth:`cached` keeps: small to pickle, compiled again where it is used."""
        return replace(self)

    # -- views ---------------------------------------------------------------------------------
    def entries(self) -> pd.DataFrame:
        """All entries as a tidy DataFrame: kind, category, referent, stance, term, variants, note, self."""
        import pandas as pd

        rows: list[tuple[str, str | None, str | None, str | None, Entry]] = []
        for cat in self.categories.values():
            for e in cat.entries:
                rows.append(("category", cat.name, None, None, e))
        for ref in self.referents.values():
            for e in ref.aliases:
                rows.append(("alias", None, ref.name, None, e))
            for stance, entries in ref.labels.items():
                for e in entries:
                    rows.append(("label", None, ref.name, stance, e))
        for kind, entries in (("linker", self.linkers), ("title", self.titles)):
            for e in entries:
                rows.append((kind, None, None, None, e))
        return pd.DataFrame(
            [
                {"kind": k, "category": c, "referent": r, "stance": s, "term": e.term,
                 "variants": list(e.variants), "note": e.note, "self": e.self_identifying}
                for k, c, r, s, e in rows
            ],
            columns=["kind", "category", "referent", "stance", "term", "variants", "note", "self"],
        )

    @property
    def feature_names(self) -> list[str]:
        """Names of the per-document count columns, in a fixed order."""
        names = [f"cat:{c}" for c in self.categories]
        for ref in self.referents.values():
            names += [f"label:{ref.name}:{s}" for s in STANCES if s in ref.labels]
        return names

    def audit_summary(self) -> AuditSummary:
        """One line on the lexicon's measured validity and whether it meets the bar, for reports."""
        a = self.audit or {}
        status = a.get("status", "unaudited")
        if status == "unaudited":
            return AuditSummary(f"{self.name}: not audited on real text — read the hits (framing.kwic, "
                                "framing.audit_sample) before trusting the counts", False)
        parts = []
        if a.get("label_precision") is not None:
            lo = f" (95% lower bound {a['label_lower']:.2f})" if a.get("label_lower") is not None else ""
            parts.append(f"label precision {a['label_precision']:.2f}{lo} on {a.get('n_labels', '?')} judged hits")
        if a.get("category_precision") is not None:
            parts.append(f"category precision {a['category_precision']:.2f} on {a.get('n_categories', '?')}")
        if a.get("recall") is not None:
            parts.append(f"recall {a['recall']:.2f} on {a.get('n_mentions', '?')} mentions found by reading")
        where = f" ({a['corpora']})" if a.get("corpora") else ""
        verdict = "meets the bar (precision ≥ 0.9, lower bound ≥ 0.85, recall ≥ 0.9)" if status == "meets" else \
            "BELOW the bar (precision ≥ 0.9, lower bound ≥ 0.85, recall ≥ 0.9): read the hits before using its counts"
        return AuditSummary(f"{self.name}: " + "; ".join(parts) + f"{where} — {verdict}", status == "meets")

    def display_name(self, referent: str) -> str:
        """The referent's display name (its ``label``), or the name itself for an unknown referent."""
        ref = self.referents.get(referent)
        return ref.label if ref is not None and ref.label else str(referent).replace("_", " ")

    def __repr__(self) -> str:
        n_labels = sum(len(v) for r in self.referents.values() for v in r.labels.values())
        return (f"Lexicon(name={self.name!r}, version={self.version}, categories={len(self.categories)}, "
                f"referents={len(self.referents)}, labels={n_labels})")

