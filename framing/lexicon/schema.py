"""The lexicon file format, checked: the validator that turns the YAML structure into lexicon parts.

:class:`LexiconSchema` walks the mapping read from a lexicon file (or given as a dict) and either
returns the keyword arguments of a :class:`framing.lexicon.model.Lexicon` or raises a
:class:`framing.LexiconError` naming the place (with its line in the file when known) and the fix.
The format is documented in ``docs/lexicon-format.md``.

>>> fields = LexiconSchema("<doc>").fields({"name": "toy", "categories": {"hedge": ["ما يسمى"]}})
>>> fields["categories"]["hedge"].entries[0].forms
('ما يسمي',)
>>> LexiconSchema("<doc>").fields({"name": "toy", "categorys": {}})
Traceback (most recent call last):
...
framing.errors.LexiconError: <doc>, top level: unknown key 'categorys' (did you mean 'categories'?); ...
"""

from __future__ import annotations

from typing import Any, NamedTuple

from framing.lexicon.entries import NO_SCOPE, Category, DateRange, Entry, Referent
from framing.lexicon.values import NAME_RE, ValueChecks
from framing.text.normalization import normalize
from framing.vocabulary import STANCES

__all__ = ["LexiconSchema", "Role"]

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


class Role(NamedTuple):
    """What a term is in the lexicon (``category``, ``alias`` or ``label``) and whose (its owner)."""

    kind: str
    owner: str


class LexiconSchema(ValueChecks):
    """The validator of one lexicon: ``LexiconSchema(source, lines).fields(data)``.

    ``source`` names the file (or ``"<dict>"``) in error messages; ``lines`` maps dotted paths
    (``referents.x.labels.neutral[0]``) to line numbers of the file.
    """

    def __init__(self, source: str, lines: dict[str, int] | None = None):
        super().__init__(source, lines)
        self.seen: dict[str, list[tuple[str, Role]]] = {}  # normalized form -> where it stands, as what

    def fields(self, data: Any) -> dict[str, Any]:
        """The keyword arguments of a :class:`~framing.lexicon.model.Lexicon` built from ``data``."""
        if not isinstance(data, dict):
            self.error(f"a lexicon must be a mapping with keys {sorted(_TOP_KEYS)}; got {type(data).__name__}",
                       value=data)
        self.check_keys(data, _TOP_KEYS, "top level")
        name = data.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
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
        categories = self.categories(data.get("categories", {}) or {})
        referents = self.referents(data.get("referents", {}) or {})
        if not categories and not referents:
            self.error("the lexicon is empty: give at least one category or referent")
        if qualifies_without_heads := [c.name for c in categories.values() if c.qualifies and not referents]:
            self.error(f"categories {qualifies_without_heads} have 'qualifies: true' but the lexicon has no referents "
                       "to attach them to; add referents or drop 'qualifies'", "categories")
        return {"name": name, "version": version, "description": description, "sources": sources,
                "window": window, "linkers": linkers, "titles": titles, "categories": categories,
                "referents": referents, "source": self.source, "exclude": exclude, "undated": undated,
                "modifiers": modifiers, "heads": heads, "negators": negators, "audit": audit}

    def categories(self, cats: Any) -> dict[str, Category]:
        """``categories``: name -> terms, or name -> {description, terms, qualifies, scope keys}."""
        if not isinstance(cats, dict):
            self.error("'categories' must map a category name to a list of terms", "categories", cats)
        categories = {}
        for cname, body in cats.items():
            where = f"categories.{cname}"
            self.check_name(cname, where)
            desc = ""
            scope = NO_SCOPE
            qualifies = False
            head_side = "either"
            terms = body
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
                terms = body.get("terms")
                where += ".terms"
            entries = self.entry_list(terms, where, role=Role("category", cname))
            if not entries:
                self.error("a category needs at least one term", where)
            categories[cname] = Category(cname, desc, entries, scope, qualifies, head_side)
        return categories

    def referents(self, refs: Any) -> dict[str, Referent]:
        """``referents``: name -> {description, aliases, labels by stance, label, scope keys}."""
        if not isinstance(refs, dict):
            self.error("'referents' must map a referent name to its aliases and labels", "referents", refs)
        referents = {}
        for rname, body in refs.items():
            where = f"referents.{rname}"
            self.check_name(rname, where)
            if not isinstance(body, dict):
                self.error("a referent must be a mapping with 'aliases' and 'labels'", where, body)
            self.check_keys(body, _REFERENT_KEYS, where)
            aliases = self.entry_list(body.get("aliases", []) or [], where + ".aliases", role=Role("alias", rname))
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
                                                 role=Role("label", rname), allow_self=True)
            labels = {s: labels[s] for s in STANCES if s in labels}
            if not aliases and not any(e.self_identifying for es in labels.values() for e in es):
                self.error("this referent can never match: it has no aliases and no self-identifying label "
                           "(add aliases, or mark a label 'self: true')", where)
            display = self.text(body.get("label", ""), where + ".label") or rname.replace("_", " ")
            referents[rname] = Referent(rname, self.text(body.get("description", ""), where + ".description"),
                                        aliases, labels, self.scope(body, where), display)
        return referents

    def entry_list(self, items: Any, where: str, *, role: Role | None,
                   allow_self: bool = False) -> tuple[Entry, ...]:
        if items is None:
            return ()
        if not isinstance(items, list):
            self.error(f"expected a list of terms, got {type(items).__name__}", where, items)
        return tuple(self.entry(item, f"{where}[{i}]", role, allow_self) for i, item in enumerate(items))

    def entry(self, item: Any, where: str, role: Role | None, allow_self: bool) -> Entry:
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
        self_valid: tuple[DateRange, ...] = ()
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
        forms = self.forms([term, *variants], glob, where, role)
        scope = self.scope(item, where, forms=forms)
        head = item.get("head", "")
        if head and (role is None or role.kind != "category" or head not in _HEAD_SIDES):
            self.error("'head' (before, after or either) is for the terms of a qualifier category",
                       f"{where}.head", head)
        return Entry(term=term.strip(), variants=tuple(v.strip() for v in variants), note=note,
                     self_identifying=bool(item.get("self", False)),
                     inflect=False if glob else bool(item.get("inflect", True)),
                     forms=forms, where=where, scope=scope, glob=glob, name=bool(item.get("name", False)),
                     self_valid=self_valid, head=head, article=bool(item.get("article", True)))

    def forms(self, raws: list[str], glob: bool, where: str, role: Role | None) -> tuple[str, ...]:
        """The distinct normalized forms of a term and its variants (a pattern's without its ``*``)."""
        forms: list[str] = []
        for raw in raws:
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
        return tuple(forms)

    def audit(self, value: Any) -> dict[str, Any]:
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

    def register(self, form: str, role: Role, where: str) -> None:
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
