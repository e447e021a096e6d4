"""Bad-input catalogue, round two (issue 14): hostile and unlucky lexicon files.

Each :class:`LexCase2` builds one lexicon file (``make(folder) -> path``) and says what loading it must
give: ``outcome="error"`` — a :class:`framing.LexiconError` whose message matches ``pattern`` and whose
place (after the file name) matches ``where``; ``outcome="ok"`` — a lexicon (``check(lex)`` true).
``cls`` is the issue class the case was filed under (traceback / silent / runaway / unsafe / other) and
``before`` what the tool did before the fix, so the cases can be tallied.

The Arabic is written for these tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from badinput import GOOD_LEXICON

__all__ = ["LexCase2", "LEXICON_CASES_2", "DOLLAR_LEXICON", "billion_laughs", "tiny_corpus"]


@dataclass(frozen=True)
class LexCase2:
    name: str
    cls: str  # traceback | silent | runaway | unsafe | other
    before: str  # what happened before the fix
    make: Callable[[Path], Path]
    outcome: str  # "error" | "ok"
    pattern: str = ""  # regex the LexiconError message must match
    where: str | None = None  # regex the place (after the file name) must match
    check: Callable | None = None  # ok: lex -> bool
    slow: bool = False

    def __repr__(self) -> str:
        return self.name


def _file(text: str | bytes, name: str = "lexicon.yaml") -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        p = d / name
        p.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return p
    return make


def billion_laughs(levels: int = 9, fanout: int = 9) -> str:
    """The classic alias bomb: each level a list of ``fanout`` aliases of the level below (fanout**levels)."""
    lines = ["name: toy", "a0: &a0 [" + ", ".join(['"ها"'] * fanout) + "]"]
    for k in range(1, levels):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * fanout) + "]")
    lines.append(f"categories: {{laughs: *a{levels - 1}}}")
    return "\n".join(lines) + "\n"


def _merge_bomb() -> str:
    lines = ["name: toy", "m0: &m0 {" + ", ".join(f"k{i}: ها" for i in range(9)) + "}"]
    for k in range(1, 14):
        lines.append(f"m{k}: &m{k} {{<<: [*m{k - 1}, *m{k - 1}], v{k}: [*m{k - 1}, *m{k - 1}, *m{k - 1}]}}")
    return "\n".join(lines) + "\ncategories: {c: [ها]}\n"


def _deep(opening: str, closing: str, n: int = 10_000) -> str:
    return "name: toy\ncategories:\n  c: " + opening * n + "ها" + closing * n + "\n"


def _deep_block(n: int = 200) -> str:
    # block style, one level of indentation per line
    body = "".join(" " * (2 * k) + f"k{k}:\n" for k in range(n)) + " " * (2 * n) + "ها\n"
    return "name: toy\ncategories: {c: [ها]}\ndescription:\n" + "".join("  " + ln + "\n" for ln in body.splitlines())


def _oversized(d: Path) -> Path:
    p = d / "lexicon.yaml"
    with p.open("w", encoding="utf-8") as fh:
        fh.write(GOOD_LEXICON)
        line = "# " + "تعليق طويل " * 9 + "\n"
        for _ in range(6_000_000 // len(line.encode()) + 1):
            fh.write(line)
    return p


def _too_many_values() -> str:
    return "name: toy\ncategories:\n  c: [" + ", ".join(["ها"] * 260_000) + "]\n"


#: a lexicon whose display labels, terms, aliases and descriptions hold mathtext and format characters
DOLLAR_LEXICON = r"""name: toy_math
description: '$\alpha$ {braces} $x^{2}$ %s {0}'
categories:
  hedge:
    description: '$\frac{a}{b}$ {x}'
    terms: ["ما يسمى", "$المزعوم$"]
referents:
  camp:
    label: '$\mathrm{قوات}$ {حفتر} $_{x}$'
    aliases: ["حفتر", "{حفتر}"]
    labels:
      delegitimizing:
        - {term: "$ميليشيا$", variants: ["مليشيا{", "^ميليشيات_"]}
      neutral: ["قوات $x$"]
  gov:
    label: '$$ {{ }} \ %(x)s'
    aliases: ["الوفاق"]
    labels:
      neutral: ["حكومة"]
      delegitimizing: ["ميليشيا"]
"""


def _dollar_ok(lex) -> bool:
    return (lex.display_name("camp") == r"$\mathrm{قوات}$ {حفتر} $_{x}$"
            and lex.display_name("gov") == "$$ {{ }} \\ %(x)s"
            and lex.referents["camp"].labels["delegitimizing"][0].term == "$ميليشيا$"
            and set(lex.referents) == {"camp", "gov"})


def tiny_corpus(d: Path) -> Path:
    """40 short documents from two outlets over six months that hit the labels of :data:`DOLLAR_LEXICON`."""
    texts = ["قالت $ميليشيا$ حفتر إن الطريق مغلق", "تقدمت قوات $x$ حفتر نحو المدينة", "مليشيا{ حفتر انسحبت",
             "حكومة الوفاق ترد على ميليشيا الوفاق", "ما يسمى الجيش يعلن"]
    p = d / "tiny.jsonl"
    with p.open("w", encoding="utf-8") as fh:
        for i in range(40):
            fh.write(json.dumps({"doc_id": f"d{i}", "outlet": ["الساحل", "الجبل"][i % 2],
                                 "date": f"2020-0{1 + i % 6}-1{i % 9}", "text": f"{texts[i % 5]} {i}"},
                                ensure_ascii=False) + "\n")
    return p


_SHARED_ALIASES = """name: toy
referents:
  camp:
    aliases: &names [حفتر, خليفة حفتر]
    labels:
      delegitimizing: [{term: ميليشيا, variants: &spell [مليشيا]}]
      neutral: [قوات]
  camp2:
    description: the same spelling list, shared
    aliases: [المشير]
    labels:
      delegitimizing: [{term: عصابات, variants: [عصابة]}, {term: ميليشيا, variants: *spell}]
"""

LEXICON_CASES_2 = [
    LexCase2("recursive_alias_list", "traceback", "RecursionError (internal error, exit 1)",
             _file("a: &x [*x]\n"), "error", r"aliases may not refer to themselves", r"^line 1, column 8$"),
    LexCase2("recursive_alias_mapping", "traceback", "RecursionError (internal error, exit 1)",
             _file(GOOD_LEXICON.replace("referents:\n", "referents: &r\n  loop: *r\n")), "error",
             r"the alias \*r stands inside the value of its own anchor &r: aliases may not refer to themselves",
             r"^line 5, column 9$"),
    LexCase2("recursive_alias_key", "traceback", "RecursionError (internal error, exit 1)",
             _file("name: toy\ncategories: &k {*k : [ها]}\n"), "error", r"aliases may not refer to themselves",
             r"^line 2, column 17$"),
    LexCase2("deep_nested_lists", "traceback", "RecursionError (internal error, exit 1)",
             _file(_deep("[", "]")), "error", r"nest more than 32 levels deep .*check the brackets",
             r"^line 3, column \d+$"),
    LexCase2("deep_nested_mappings", "traceback", "RecursionError (internal error, exit 1)",
             _file(_deep("{a: ", "}")), "error", r"nest more than 32 levels deep", r"^line 3, column \d+$"),
    LexCase2("deep_block_indentation", "traceback", "RecursionError (internal error, exit 1)",
             _file(_deep_block()), "error", r"nest more than 32 levels deep", r"^line 34, column \d+$"),
    LexCase2("billion_laughs", "runaway", "ran without end, memory growing (killed after 20 s)",
             _file(billion_laughs()), "error",
             r"aliases \(\*name\) expand the file to more than 250,000 values \(a 'billion laughs'\)",
             r"^line 7, column \d+$"),
    LexCase2("billion_laughs_merge_keys", "runaway", "exponential work in merge keys (<<)",
             _file(_merge_bomb()), "error", r"billion laughs", r"^line \d+, column \d+$"),
    LexCase2("alias_fan_out", "runaway", "100,000 aliases of a 1,000-item list walked in full",
             _file("name: toy\nx: &x [" + ",".join(["ها"] * 1000) + "]\ny: [" + ",".join(["*x"] * 100_000)
                   + "]\n"), "error", r"billion laughs", r"^line 3, column \d+$"),
    LexCase2("file_over_5_mb", "runaway", "read whole, then parsed for a minute and more",
             _oversized, "error", r"the file is larger than 5 MB .*is it a lexicon\?"),
    LexCase2("too_many_values", "runaway", "every value composed (2 GB for a 5 MB list)",
             _file(_too_many_values()), "error", r"the file holds more than 250,000 values .*is it a lexicon\?",
             r"^line 3, column \d+$", slow=True),
    LexCase2("integer_too_long", "traceback", "ValueError: Exceeds the limit (4300 digits) (internal error)",
             _file(GOOD_LEXICON.replace("version: 1", "version: " + "9" * 5000)), "error",
             r"the value '9+…9+' cannot be read as a YAML integer \(Exceeds the limit \(4300 digits\)"
             r".*at most 4300 digits, or quote it",
             r"^line 2, column 10$"),
    LexCase2("impossible_date", "traceback", "ValueError: month must be in 1..12 (internal error)",
             _file(GOOD_LEXICON.replace("- قوات", "- {term: قوات, valid: {from: 2020-13-45}}")), "error",
             r"the value '2020-13-45' cannot be read as a YAML date \(month must be in 1\.\.12\); write a real date",
             r"^line 12, column \d+$"),
    LexCase2("empty_int_tag", "traceback", "IndexError: string index out of range (internal error; found by fuzzing)",
             _file(GOOD_LEXICON.replace("version: 1", "version: !!int ''")), "error",
             r"the value '' cannot be read as a YAML integer \(string index out of range\)", r"^line 2, column 10$"),
    LexCase2("two_documents", "other", "'YAML syntax error: but found another document' (no hint)",
             _file(GOOD_LEXICON + "---\nname: other\n"), "error",
             r"expected a single document in the stream, but found another document; keep one document",
             r"^line 13, column 1$"),
    LexCase2("nul_character", "other", "a one-line error without its line ('position 8')",
             _file(GOOD_LEXICON.replace("toy", "to\x00y")), "error",
             r"YAML syntax error: the character U\+0000 is not allowed in YAML; remove it", r"^line 1, column 9$"),
    LexCase2("dollar_in_lexicon_name", "other", "already a clear error: names are identifiers (kept as a guard)",
             _file(GOOD_LEXICON.replace("name: toy", "name: $x$")), "error",
             r"'name' is required: letters, digits and underscores", r"^name \(line 1\)$"),
    LexCase2("lexicon_path_too_long", "traceback", "OSError: File name too long (internal error, exit 1)",
             lambda d: d / ("ل" * 200 + ".yaml"), "error", r"cannot use this path \(File name too long\)"),
    LexCase2("mathtext_labels_and_terms", "traceback", "loaded; analyze crashed in matplotlib's mathtext",
             _file(DOLLAR_LEXICON), "ok", check=_dollar_ok),
    LexCase2("shared_alias_lists", "other", "loaded (aliases that stay small are allowed; kept as a guard)",
             _file(_SHARED_ALIASES), "ok",
             check=lambda lex: lex.referents["camp"].aliases[0].term == "حفتر"
             and lex.referents["camp"].labels["delegitimizing"][0].variants == ("مليشيا",)),
]
