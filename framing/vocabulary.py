"""The shared vocabulary: stances, voices and their checks, defined once.

>>> check_voice("own")
'own'
>>> VOICES
('own', 'quoted', 'reported', 'all')
"""

from __future__ import annotations

from framing.errors import FramingError

__all__ = ["STANCES", "VOICES", "DEFAULT_VOICE", "MATCH_VOICES", "check_voice", "voice_mask", "counted"]

#: the stances a label takes towards its referent, from denying to granting legitimacy
STANCES = ("delegitimizing", "neutral", "legitimizing")

#: whose words a match is: the outlet's own, a quotation (scare quotes included), or speech the
#: outlet reports without quotation marks (وقال المتحدث إن ...)
MATCH_VOICES = ("own", "quoted", "reported")

#: what a count may be restricted to: one voice, or all of them
VOICES = (*MATCH_VOICES, "all")

#: every function that takes a voice defaults to the outlet's own words
DEFAULT_VOICE = "own"


def check_voice(voice) -> str:
    """Return ``voice`` if it is one of :data:`VOICES`, else raise a :class:`FramingError`."""
    if voice not in VOICES:
        raise FramingError(f"voice must be one of {', '.join(VOICES)}; got {voice!r}")
    return voice


def voice_mask(matches, voice: str):
    """A boolean Series: the rows of a match table in ``voice`` (all rows for ``"all"``).

    Uses the ``voice`` column; a table written before voices existed has only ``quoted``, which
    stands for quoted against own.
    """
    import numpy as np
    import pandas as pd

    check_voice(voice)
    if voice == "all":
        return pd.Series(np.ones(len(matches), dtype=bool), index=matches.index)
    if "voice" in matches.columns:
        return matches["voice"] == voice
    if voice == "reported":
        return pd.Series(np.zeros(len(matches), dtype=bool), index=matches.index)
    return matches["quoted"].astype(bool) == (voice == "quoted")


def counted(matches, voice: str):
    """The rows of a match table that a count in ``voice`` includes: that voice, and in scope."""
    keep = voice_mask(matches, voice)
    if "in_scope" in matches.columns:
        keep &= matches["in_scope"].astype(bool)
    return matches[keep]
