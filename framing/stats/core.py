"""Deprecated: ``framing.stats.core`` was split into the modules of :mod:`framing.stats`; import from there.

The statistics live one step per module (:mod:`framing.stats.keyness`, :mod:`framing.stats.divergence`,
:mod:`framing.stats.intervals`, :mod:`framing.stats.bootstrap`, :mod:`framing.stats.segmentation`) and
:mod:`framing.stats` exports them all. This alias re-exports that list (its ``__all__``, kept in one
place) and will be removed in 0.3.
"""

import warnings

from framing.stats import *  # noqa: F403  # the deprecated alias re-exports framing.stats's names
from framing.stats import __all__  # noqa: F401  # read by star imports of this alias

warnings.warn("framing.stats.core is deprecated: import from framing.stats (this alias goes in 0.3)",
              DeprecationWarning, stacklevel=2)
