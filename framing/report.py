"""Deprecated: ``framing.report`` moved to ``framing.output.report``; this alias will be removed in 0.3."""

import warnings

from framing.output.report import *
from framing.output.report import __all__

warnings.warn("framing.report moved to framing.output.report; import from there (this alias goes in 0.3)",
              DeprecationWarning, stacklevel=2)
