"""The demo's sentence templates (``framing/data/templates/libya_demo.yaml``: data, not code), read and checked.

>>> tpl = load_templates()
>>> tpl["switch"]["referent"] in tpl["phrases"]
True
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from framing.demo.articles import NOISE_CHARS
from framing.errors import FramingError
from framing.vocabulary import STANCES

__all__ = ["load_templates"]


def _err(msg: str) -> FramingError:
    return FramingError(f"libya_demo templates: {msg}")


@lru_cache(maxsize=4)
def _read_yaml(path: str | None) -> dict[str, Any]:
    import yaml

    if path is None:
        text = resources.files("framing").joinpath("data/templates/libya_demo.yaml").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return yaml.safe_load(text)


def load_templates(path: str | Path | None = None) -> dict[str, Any]:
    """Read and check the template file (default: the bundled ``libya_demo.yaml``).

    Parameters
    ----------
    path : str or Path, optional
        Another template file with the same layout.

    Returns
    -------
    dict
        The parsed templates (a fresh copy; safe to modify).

    Raises
    ------
    FramingError
        When a phrase's first planted stance does not match the stance it is listed under, or a
        stance distribution does not sum to 1, or a template text contains a noise character.
    """
    data = json.loads(json.dumps(_read_yaml(None if path is None else str(path))))
    for ref in sorted(data["phrases"]):
        for stance in sorted(data["phrases"][ref]):
            if stance not in STANCES:
                raise _err(f"phrases.{ref}: unknown stance {stance!r}; expected one of {STANCES}")
            for ph in data["phrases"][ref][stance]:
                if [ref, stance] not in (ph.get("plants") or []):
                    raise _err(f"phrases.{ref}.{stance}: {ph.get('text')!r} must plant "
                               f"[{ref}, {stance}], got {ph.get('plants')!r}")
    dists = [(f"agency.style.{r}", p) for r, p in data["agency"]["style"].items()]
    for o in data["outlets"]:
        for r, se in o["style"].items():
            dists += [(f"outlets.{o['key']}.{r}.start", se["start"]), (f"outlets.{o['key']}.{r}.end", se["end"])]
    for side, sp in data["speakers"].items():
        dists += [(f"speakers.{side}.{r}", p) for r, p in sp["style"].items()]
    sw = data["switch"]
    dists += [(f"switch.before.{sw['referent']}", sw["before"]), (f"switch.after.{sw['referent']}", sw["after"])]
    for where, p in dists:
        if len(p) != 3 or abs(sum(p) - 1.0) > 1e-9 or min(p) < 0:
            raise _err(f"{where}: expected 3 probabilities summing to 1, got {p!r}")
        ref = where.split(".")[2] if where.startswith("outlets") else where.split(".")[-1]
        ref = where.split(".")[2] if where.startswith(("outlets", "switch")) else ref
        for st, pr in zip(STANCES, p, strict=True):
            if pr > 0 and not data["phrases"].get(ref, {}).get(st):
                raise _err(f"{where}: stance {st} has probability {pr} but phrases.{ref}.{st} is empty")
    every = json.dumps(data, ensure_ascii=False)
    for kind, chars in NOISE_CHARS.items():
        if any(c in every for c in chars):
            raise _err(f"a template contains a {kind} character; noise is added by the simulator only")
    return data
