"""Lexicons: YAML data files read by one validating loader.

The file format is documented in ``docs/lexicon-format.md`` and in the README. In short: a lexicon has
free-standing ``categories`` of terms, and ``referents`` (the actors whose naming is compared), each
with ``aliases`` that identify it and competing ``labels`` by stance. ``linkers`` and ``titles`` let a
label reach an alias a few words away (القوات الموالية لحفتر, قوات اللواء المتقاعد خليفة حفتر).

>>> lex = Lexicon.from_dict({
...     "name": "toy",
...     "referents": {"haftar_camp": {
...         "aliases": ["حفتر"],
...         "labels": {"delegitimizing": [{"term": "ميليشيا", "variants": ["مليشيا"]}],
...                    "neutral": ["قوات"]}}}})
>>> lex.referents["haftar_camp"].labels["delegitimizing"][0].forms
('ميليشيا', 'مليشيا')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from framing.errors import LexiconError
from framing.text.normalization import normalize

__all__ = ["STANCES", "Scope", "Entry", "Category", "Referent", "Lexicon", "load_lexicon", "list_lexicons",
           "as_lexicon"]

STANCES = ("delegitimizing", "neutral", "legitimizing")

_SCOPE_KEYS = {"context", "valid", "exclude"}
_TOP_KEYS = {"name", "version", "description", "sources", "window", "linkers", "titles", "categories", "referents",
             "undated", "exclude", "modifiers", "heads", "negators", "audit"}
_AUDIT_KEYS = {"status", "label_precision", "label_lower", "category_precision", "recall", "n_labels", "n_categories",
               "n_mentions", "corpora", "note"}
_AUDIT_STATUS = ("meets", "below", "unaudited")
_ENTRY_KEYS = {"term", "variants", "note", "self", "inflect", "name", "head", "article"} | _SCOPE_KEYS
# where a qualifier's head (the actor's name or label) stands: before it (adjectives: الحكومة ...
# المعترف بها دوليا), after it (hedges: ما يسمى ...), or either side
_HEAD_SIDES = ("before", "after", "either")
_CATEGORY_KEYS = {"description", "terms", "qualifies", "context", "valid", "exclude"}
_REFERENT_KEYS = {"description", "aliases", "labels", "label"} | _SCOPE_KEYS
_UNDATED = ("count", "skip")
# words that negate a qualifier standing right after them (الحكومة غير المعترف بها دوليا)
_DEFAULT_NEGATORS = ("غير", "ليس", "ليست", "لا", "عدم")
_NAME_RE = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass(frozen=True)
class Scope:
    """Where a term counts: ``context`` words one of which must occur in the document (or within
    ``context_window`` words of the hit), ``valid`` date ranges (``(from, to)`` as ``datetime.date`` or
    None for an open end), and ``exclude`` phrases that block a hit they contain (normalized forms)."""

    context: tuple[str, ...] = ()
    context_window: int | None = None
    valid: tuple[tuple, ...] = ()
    exclude: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.context or self.valid or self.exclude)


_NO_SCOPE = Scope()


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: a canonical ``term``, its declared ``variants`` and their normalized ``forms``.

    ``glob``: the term ended with ``*`` and matches any word that starts with its last word.
    """

    term: str
    variants: tuple[str, ...] = ()
    note: str = ""
    self_identifying: bool = False
    inflect: bool = True
    forms: tuple[str, ...] = ()
    where: str = ""
    scope: Scope = _NO_SCOPE
    glob: bool = False
    name: bool = False  # an evaluative label that is also a name: quotation marks around it are house style
    self_valid: tuple = ()  # when ``self`` holds only in some date ranges: those ranges (else always)
    head: str = ""  # qualifiers: where the head stands (before / after / either); "" = the category's
    article: bool = True  # may the first word take the article (حماس: false, الحماس is 'the enthusiasm')


@dataclass(frozen=True)
class Category:
    name: str
    description: str
    entries: tuple[Entry, ...]
    scope: Scope = _NO_SCOPE
    qualifies: bool = False  # counts only when attached to a referent's alias or label
    head: str = "either"  # where the head stands by default: before, after or either side


@dataclass(frozen=True)
class Referent:
    name: str
    description: str
    aliases: tuple[Entry, ...]
    labels: dict  # stance -> tuple[Entry, ...]
    scope: Scope = _NO_SCOPE
    label: str = ""  # display name for charts and reports


@dataclass(frozen=True, eq=False)
class Lexicon:
    """A validated lexicon. Build with :func:`load_lexicon` or :meth:`Lexicon.from_dict`."""

    name: str
    version: int
    description: str
    sources: str
    window: int
    linkers: tuple[Entry, ...]
    titles: tuple[Entry, ...]
    categories: dict
    referents: dict
    source: str = "<dict>"
    exclude: tuple[str, ...] = ()
    undated: str = "count"
    modifiers: tuple[Entry, ...] = ()
    heads: tuple[Entry, ...] = ()
    negators: tuple[str, ...] = ()
    audit: dict = field(default_factory=dict)  # measured validity on real text (see docs/lexicon-format.md)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data, *, source: str = "<dict>", _lines=None) -> "Lexicon":
        """Validate a lexicon given as a dict (the structure of the YAML file)."""
        return _Builder(source, _lines).build(data)

    # -- views ---------------------------------------------------------------------------------
    def entries(self):
        """All entries as a tidy DataFrame: kind, category, referent, stance, term, variants, note, self."""
        import pandas as pd

        rows = []
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

    def audit_summary(self) -> tuple[str, bool]:
        """``(one line on the lexicon's measured validity, does it meet the bar?)`` for reports."""
        a = self.audit or {}
        status = a.get("status", "unaudited")
        if status == "unaudited":
            return (f"{self.name}: not audited on real text — read the hits (framing.kwic, "
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
        return f"{self.name}: " + "; ".join(parts) + f"{where} — {verdict}", status == "meets"

    def display_name(self, referent: str) -> str:
        """The referent's display name (its ``label``), or the name itself for an unknown referent."""
        ref = self.referents.get(referent)
        return ref.label if ref is not None and ref.label else str(referent).replace("_", " ")

    def __repr__(self) -> str:
        n_labels = sum(len(v) for r in self.referents.values() for v in r.labels.values())
        return (f"Lexicon(name={self.name!r}, version={self.version}, categories={len(self.categories)}, "
                f"referents={len(self.referents)}, labels={n_labels})")


class _Builder:
    def __init__(self, source: str, lines=None):
        self.source = source
        self.lines = lines or {}
        self.seen: dict[str, list[tuple[str, str]]] = {}

    def error(self, message: str, where: str | None = None, value=None):
        line = self.lines.get(where) if where else None
        loc = f"{where} (line {line})" if line else where
        raise LexiconError(message, source=self.source, where=loc, value=value)

    def build(self, data) -> Lexicon:
        if not isinstance(data, dict):
            self.error(f"a lexicon must be a mapping with keys {sorted(_TOP_KEYS)}; got {type(data).__name__}",
                       value=data)
        self.check_keys(data, _TOP_KEYS, "top level")
        name = data.get("name")
        if not isinstance(name, str) or not _NAME_RE.match(name):
            self.error("'name' is required: letters, digits and underscores (e.g. name: libya)", "name", name)
        version = data.get("version", 1)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self.error("'version' must be a positive integer", "version", version)
        window = data.get("window", 4)
        if not isinstance(window, int) or isinstance(window, bool) or not 0 <= window <= 20:
            self.error("'window' must be an integer from 0 to 20 (words between a label and an alias)",
                       "window", window)
        description = self.text(data.get("description", ""), "description")
        sources = self.text(data.get("sources", ""), "sources")
        linkers = self.entry_list(data.get("linkers", []) or [], "linkers", role=None)
        titles = self.entry_list(data.get("titles", []) or [], "titles", role=None)
        modifiers = self.entry_list(data.get("modifiers", []) or [], "modifiers", role=None)
        heads = self.entry_list(data.get("heads", []) or [], "heads", role=None)
        for kind, entries in (("modifiers", modifiers), ("heads", heads)):
            for e in entries:
                if e.glob:
                    self.error(f"'{kind}' entries cannot be patterns (*)", e.where, e.term)
        undated = data.get("undated", "count")
        if undated not in _UNDATED:
            self.error(f"'undated' must be one of {', '.join(_UNDATED)} (what a scoped term does in a document "
                       "without a date)", "undated", undated)
        exclude = self.phrases(data.get("exclude"), "exclude")
        negators_in = data.get("negators")
        negators = _DEFAULT_NEGATORS if negators_in is None else self.words(negators_in, "negators")
        negators = tuple(normalize(n).strip() for n in negators)
        audit = self.audit(data.get("audit"))

        categories = {}
        cats = data.get("categories", {}) or {}
        if not isinstance(cats, dict):
            self.error("'categories' must map a category name to a list of terms", "categories", cats)
        for cname, body in cats.items():
            where = f"categories.{cname}"
            self.check_name(cname, where)
            desc = ""
            scope = _NO_SCOPE
            qualifies = False
            head_side = "either"
            if isinstance(body, dict):
                self.check_keys(body, _CATEGORY_KEYS, where)
                desc = self.text(body.get("description", ""), where + ".description")
                scope = self.scope(body, where)
                qualifies = body.get("qualifies", False)
                if isinstance(qualifies, str) and qualifies in _HEAD_SIDES:
                    head_side, qualifies = qualifies, True
                elif isinstance(qualifies, bool):
                    head_side = "either"
                else:
                    self.error("'qualifies' must be true or false, or where the head stands: before (adjectives: "
                               "الحكومة ... المعترف بها دوليا), after (hedges: ما يسمى ...) or either",
                               where + ".qualifies", qualifies)
                body = body.get("terms")
                where += ".terms"
            entries = self.entry_list(body, where, role=("category", cname))
            if not entries:
                self.error("a category needs at least one term", where)
            categories[cname] = Category(cname, desc, entries, scope, qualifies, head_side)

        referents = {}
        refs = data.get("referents", {}) or {}
        if not isinstance(refs, dict):
            self.error("'referents' must map a referent name to its aliases and labels", "referents", refs)
        for rname, body in refs.items():
            where = f"referents.{rname}"
            self.check_name(rname, where)
            if not isinstance(body, dict):
                self.error("a referent must be a mapping with 'aliases' and 'labels'", where, body)
            self.check_keys(body, _REFERENT_KEYS, where)
            aliases = self.entry_list(body.get("aliases", []) or [], where + ".aliases", role=("alias", rname))
            labels_in = body.get("labels", {}) or {}
            if not isinstance(labels_in, dict):
                self.error(f"'labels' must map a stance ({', '.join(STANCES)}) to a list of terms",
                           where + ".labels", labels_in)
            labels = {}
            for stance, entries in labels_in.items():
                if stance not in STANCES:
                    self.error(f"unknown stance {stance!r}; expected one of {', '.join(STANCES)}",
                               f"{where}.labels.{stance}", stance)
                labels[stance] = self.entry_list(entries, f"{where}.labels.{stance}",
                                                 role=("label", rname), allow_self=True)
            labels = {s: labels[s] for s in STANCES if s in labels}
            if not aliases and not any(e.self_identifying for es in labels.values() for e in es):
                self.error("this referent can never match: it has no aliases and no self-identifying label "
                           "(add aliases, or mark a label 'self: true')", where)
            display = self.text(body.get("label", ""), where + ".label") or rname.replace("_", " ")
            referents[rname] = Referent(rname, self.text(body.get("description", ""), where + ".description"),
                                        aliases, labels, self.scope(body, where), display)
        if not categories and not referents:
            self.error("the lexicon is empty: give at least one category or referent")
        if qualifies_without_heads := [c.name for c in categories.values() if c.qualifies and not referents]:
            self.error(f"categories {qualifies_without_heads} have 'qualifies: true' but the lexicon has no referents "
                       "to attach them to; add referents or drop 'qualifies'", "categories")
        return Lexicon(name=name, version=version, description=description, sources=sources, window=window,
                       linkers=linkers, titles=titles, categories=categories, referents=referents,
                       source=self.source, exclude=exclude, undated=undated, modifiers=modifiers, heads=heads,
                       negators=negators, audit=audit)

    # -- helpers -------------------------------------------------------------------------------
    def check_keys(self, mapping: dict, allowed: set, where: str):
        unknown = [k for k in mapping if k not in allowed]
        if unknown:
            import difflib

            hints = []
            for k in unknown:
                close = difflib.get_close_matches(str(k), sorted(allowed), n=1)
                hints.append(f"{k!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
            self.error(f"unknown key {', '.join(hints)}; allowed keys: {', '.join(sorted(allowed))}",
                       where, unknown)

    def check_name(self, name, where: str):
        if not isinstance(name, str) or not _NAME_RE.match(name):
            self.error("names of categories and referents use letters, digits and underscores", where, name)

    def text(self, value, where: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.error(f"expected text, got {type(value).__name__}", where, value)
        return value.strip()

    def entry_list(self, items, where: str, *, role, allow_self: bool = False) -> tuple[Entry, ...]:
        if items is None:
            return ()
        if not isinstance(items, list):
            self.error(f"expected a list of terms, got {type(items).__name__}", where, items)
        return tuple(self.entry(item, f"{where}[{i}]", role, allow_self) for i, item in enumerate(items))

    def entry(self, item, where: str, role, allow_self: bool) -> Entry:
        if isinstance(item, str):
            item = {"term": item}
        if not isinstance(item, dict):
            self.error(f"an entry is a term (text) or a mapping with 'term'; got {type(item).__name__}",
                       where, item)
        allowed = _ENTRY_KEYS if allow_self else _ENTRY_KEYS - {"self", "name"}
        self.check_keys(item, allowed, where)
        term = item.get("term")
        if not isinstance(term, str) or not term.strip():
            self.error("empty or missing 'term'", where, term)
        variants = item.get("variants", []) or []
        if isinstance(variants, str):
            variants = [variants]
        if not isinstance(variants, list) or not all(isinstance(v, str) and v.strip() for v in variants):
            self.error("'variants' must be a list of non-empty terms", where + ".variants", variants)
        self_valid = ()
        if isinstance(item.get("self"), (dict, list)):
            # self-identifying only in some date ranges (before 2016 الجيش الليبي named Haftar's army
            # by itself; later it needs an alias)
            self_valid = self.ranges(item["self"], f"{where}.self")
            item = {**item, "self": True}
        for key in ("self", "inflect", "name", "article"):
            if key in item and not isinstance(item[key], bool):
                self.error(f"'{key}' must be true or false, or (self) date ranges like {{to: 2016-03-29}}",
                           f"{where}.{key}", item[key])
        note = self.text(item.get("note", ""), where + ".note")
        globs = [raw.strip().endswith("*") for raw in [term, *variants]]
        glob = any(globs)
        if glob and not all(globs):
            self.error("a pattern entry: the term and all its variants end with '*' (or none does)", where, term)
        if glob and item.get("inflect") is True:
            self.error("a pattern (*) already matches every ending; drop 'inflect: true'", f"{where}.inflect", True)
        forms = []
        for raw in [term, *variants]:
            if glob:
                body = raw.strip()[:-1]
                if "*" in body or not body or body[-1].isspace():
                    self.error(f"{raw!r}: '*' may only end the last word of a pattern (ميليشي*)", where, raw)
                form = normalize(body).strip()
                if sum(ch.isalnum() for ch in form.split(" ")[-1]) < 2:
                    self.error(f"the pattern {raw!r} is too short: give at least two letters before '*'", where, raw)
            else:
                if "*" in raw:
                    self.error(f"{raw!r}: '*' may only end a pattern (ميليشي*)", where, raw)
                form = normalize(raw).strip()
            if not any(ch.isalnum() for ch in form):
                self.error(f"the term {raw!r} normalizes to nothing (it has only marks, tatweel or "
                           "punctuation): write the letters", where, raw)
            if form in forms:
                continue
            forms.append(form)
            if role is not None:
                self.register(form, role, where)
        scope = self.scope(item, where, forms=forms)
        head = item.get("head", "")
        if head and (role is None or role[0] != "category" or head not in _HEAD_SIDES):
            self.error("'head' (before, after or either) is for the terms of a qualifier category", f"{where}.head", head)
        return Entry(term=term.strip(), variants=tuple(v.strip() for v in variants), note=note,
                     self_identifying=bool(item.get("self", False)),
                     inflect=False if glob else bool(item.get("inflect", True)),
                     forms=tuple(forms), where=where, scope=scope, glob=glob, name=bool(item.get("name", False)),
                     self_valid=self_valid, head=head, article=bool(item.get("article", True)))

    def audit(self, value) -> dict:
        """The lexicon's measured validity: status (meets / below / unaudited) and the figures."""
        if value is None:
            return {"status": "unaudited"}
        if not isinstance(value, dict):
            self.error("'audit' must be a mapping (status, label_precision, label_lower, recall, ...)", "audit", value)
        self.check_keys(value, _AUDIT_KEYS, "audit")
        status = value.get("status")
        if status not in _AUDIT_STATUS:
            self.error(f"'audit.status' must be one of {', '.join(_AUDIT_STATUS)}", "audit.status", status)
        for key in ("label_precision", "label_lower", "category_precision", "recall"):
            v = value.get(key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1):
                self.error(f"'audit.{key}' must be a share from 0 to 1", f"audit.{key}", v)
        for key in ("n_labels", "n_categories", "n_mentions"):
            v = value.get(key)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
                self.error(f"'audit.{key}' must be a count", f"audit.{key}", v)
        out = dict(value)
        if "note" in out:
            out["note"] = self.text(out["note"], "audit.note")
        return out

    # -- scope -----------------------------------------------------------------------------------
    def words(self, value, where: str) -> tuple[str, ...]:
        """Plain terms (strings, or ``{term, note}`` mappings) in their normalized forms."""
        if isinstance(value, (str, dict)):
            value = [value]
        if not isinstance(value, list):
            self.error("expected a list of terms", where, value)
        flat = []
        for i, v in enumerate(value):
            if isinstance(v, dict):
                self.check_keys(v, {"term", "note"}, f"{where}[{i}]")
                v = v.get("term")
            if not isinstance(v, str) or not v.strip():
                self.error("expected a non-empty term", f"{where}[{i}]", v)
            flat.append(v)
        value = flat
        out = []
        for v in value:
            form = normalize(v).strip()
            if not any(ch.isalnum() for ch in form):
                self.error(f"the term {v!r} normalizes to nothing: write the letters", where, v)
            out.append(form)
        return tuple(out)

    def phrases(self, value, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        return tuple(dict.fromkeys(self.words(value, where)))

    def scope(self, body: dict, where: str, *, forms=()) -> Scope:
        context, window = (), None
        raw = body.get("context")
        if raw is not None:
            if isinstance(raw, dict):
                self.check_keys(raw, {"terms", "window"}, where + ".context")
                window = raw.get("window")
                if window is not None and (not isinstance(window, int) or isinstance(window, bool) or window < 1):
                    self.error("'context.window' must be a positive number of words (or left out: the whole "
                               "document)", where + ".context.window", window)
                raw = raw.get("terms")
            context = self.words(raw, where + ".context")
            if not context:
                self.error("'context' needs at least one term", where + ".context")
        valid = ()
        if body.get("valid") is not None:
            valid = self.ranges(body["valid"], where + ".valid")
        exclude = self.phrases(body.get("exclude"), where + ".exclude")
        for ex in exclude:
            if ex in forms:
                self.error(f"the exclude phrase {ex!r} is the term itself: it would block every match; "
                           "exclude a longer phrase that contains the term", where + ".exclude", ex)
        if not (context or valid or exclude):
            return _NO_SCOPE
        return Scope(context=context, context_window=window, valid=valid, exclude=exclude)

    def ranges(self, value, where: str) -> tuple[tuple, ...]:
        import datetime as dt

        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not value:
            self.error("'valid' must be a list of date ranges like {from: 2019-04-04, to: 2020-06-05}", where, value)
        out = []
        for i, r in enumerate(value):
            w = f"{where}[{i}]"
            if not isinstance(r, dict):
                self.error("a date range is a mapping with 'from' and/or 'to' (YYYY-MM-DD)", w, r)
            self.check_keys(r, {"from", "to"}, w)
            if "from" not in r and "to" not in r:
                self.error("a date range needs 'from' or 'to' (or both)", w, r)
            ends = []
            for key in ("from", "to"):
                v = r.get(key)
                if v is None:
                    ends.append(None)
                    continue
                if isinstance(v, dt.datetime):
                    v = v.date()
                if isinstance(v, str):
                    try:
                        v = dt.date.fromisoformat(v.strip())
                    except ValueError:
                        v = None
                if not isinstance(v, dt.date):
                    self.error(f"'{key}' must be a date written YYYY-MM-DD", f"{w}.{key}", r.get(key))
                ends.append(v)
            if ends[0] is not None and ends[1] is not None and ends[0] > ends[1]:
                self.error(f"the range starts after it ends ({ends[0]} > {ends[1]})", w, r)
            out.append(tuple(ends))
        return tuple(out)

    def register(self, form: str, role, where: str):
        """Refuse the same normalized term in two places where that would be ambiguous."""
        kind, owner = role
        for other_where, (okind, oowner) in self.seen.get(form, []):
            clash = None
            if kind == okind == "category":
                clash = "two categories" if owner != oowner else "one category twice"
            elif kind == okind == "alias" and owner != oowner:
                clash = "aliases of two referents"
            elif {kind, okind} == {"alias", "label"}:
                clash = "both an alias and a label"
            elif kind == okind == "label" and owner == oowner:
                clash = "two labels of one referent"
            elif kind == okind == "alias":
                clash = "one referent's aliases twice"
            if clash:
                self.error(f"the term {form!r} stands in {clash}: here and at {other_where}; "
                           "keep it in one place (labels shared by several referents are fine)", where, form)
        self.seen.setdefault(form, []).append((where, role))


def _yaml_lines(text: str) -> dict:
    """Map dotted paths (``referents.x.labels.neutral[0]``) to 1-based line numbers."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}

    def walk(n, path):
        if path:
            lines.setdefault(path, n.start_mark.line + 1)
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = str(k.value)
                p = f"{path}.{key}" if path else key
                lines.setdefault(p, k.start_mark.line + 1)
                walk(v, p)
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                walk(v, f"{path}[{i}]")

    if node is not None:
        walk(node, "")
    return lines


def _bundled_dir():
    return resources.files("framing") / "data" / "lexicons"


def list_lexicons():
    """The bundled lexicons as a DataFrame: name, version, description, categories, referents, labels."""
    import pandas as pd

    rows = []
    for name in sorted(p.name[:-5] for p in _bundled_dir().iterdir() if p.name.endswith(".yaml")):
        lex = load_lexicon(name)
        rows.append({
            "name": lex.name, "version": lex.version, "description": " ".join(lex.description.split()),
            "categories": len(lex.categories), "referents": len(lex.referents),
            "labels": sum(len(v) for r in lex.referents.values() for v in r.labels.values()),
        })
    return pd.DataFrame(rows, columns=["name", "version", "description", "categories", "referents", "labels"])


@lru_cache(maxsize=32)
def _load_bundled(name: str) -> Lexicon:
    ref = _bundled_dir() / f"{name}.yaml"
    return _load_text(ref.read_text(encoding="utf-8"), source=f"framing/data/lexicons/{name}.yaml")


def _load_text(text: str, *, source: str) -> Lexicon:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LexiconError(f"YAML syntax error: {problem}; fix the file's syntax (indentation, quotes, colons)",
                           source=source, where=where) from None
    if data is None:
        raise LexiconError("the lexicon file is empty: give at least a name and one category or referent",
                           source=source)
    return Lexicon.from_dict(data, source=source, _lines=_yaml_lines(text))


def load_lexicon(name_or_path) -> Lexicon:
    """Load a bundled lexicon by name (``"libya"``) or any lexicon file by path.

    Raises :class:`framing.LexiconError` naming the file, the place and the fix when it is invalid.
    """
    if isinstance(name_or_path, Lexicon):
        return name_or_path
    if not isinstance(name_or_path, (str, Path)):
        raise LexiconError(f"expected a lexicon name or a path, got {type(name_or_path).__name__}",
                           value=name_or_path)
    text = str(name_or_path)
    path = Path(text)
    # a bare bundled name is the bundled lexicon even when a folder of that name exists here (an analyze --out)
    bundled = text in _bundled_names()
    if path.suffix in (".yaml", ".yml") or (path.exists() and not bundled) or "/" in text or "\\" in text:
        if not path.is_file():
            raise LexiconError("no such lexicon file; give the path of a .yaml file, or the name of a bundled "
                               f"lexicon ({', '.join(_bundled_names())})", source=text)
        try:
            content = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LexiconError(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8",
                               source=text) from None
        return _load_text(content, source=text)
    if text not in _bundled_names():
        raise LexiconError(f"no bundled lexicon named {text!r}; bundled: {', '.join(_bundled_names())} "
                           "(or give a path to a .yaml file)", source=text)
    return _load_bundled(text)


def _bundled_names() -> list[str]:
    return sorted(p.name[:-5] for p in _bundled_dir().iterdir() if p.name.endswith(".yaml"))


def as_lexicon(lexicon) -> Lexicon:
    """Accept a :class:`Lexicon`, a bundled name, a path or a dict."""
    if isinstance(lexicon, dict):
        return Lexicon.from_dict(lexicon)
    return load_lexicon(lexicon)
