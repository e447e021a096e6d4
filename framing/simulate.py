"""Deprecated: ``framing.simulate`` moved to ``framing.demo.simulate``; this alias will be removed in 0.3."""

import warnings

from framing.demo.simulate import *
from framing.demo.simulate import __all__

warnings.warn("framing.simulate moved to framing.demo.simulate; import from there (this alias goes in 0.3)",
              DeprecationWarning, stacklevel=2)
