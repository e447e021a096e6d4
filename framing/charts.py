"""Deprecated: ``framing.charts`` moved to ``framing.output.charts``; this alias will be removed in 0.3."""

import warnings

from framing.output.charts import *
from framing.output.charts import __all__

warnings.warn("framing.charts moved to framing.output.charts; import from there (this alias goes in 0.3)",
              DeprecationWarning, stacklevel=2)
