"""Statistics on counts that were already extracted (no text processing); tidy pandas results.

* :mod:`framing.stats.keyness`: contrasts between two sets of term counts, :func:`log_odds_dirichlet`
  (Monroe, Colaresi & Quinn 2008) and :func:`keyness` (G2, chi-square, Hardie's Log Ratio), with
  :func:`bh_qvalues` for multiple testing;
* :mod:`framing.stats.divergence`: distances between category distributions, :func:`js_divergence`,
  :func:`js_distance_matrix` and :func:`cluster_order`;
* :mod:`framing.stats.intervals`: intervals for proportions, :func:`wilson_interval` and
  :func:`dirichlet_interval`; :mod:`framing.stats.bootstrap`: document-level bootstraps
  :func:`bootstrap_shares` and :func:`bootstrap_index`;
* :mod:`framing.stats.segmentation`: change points in count series, :func:`binomial_segmentation` and
  :func:`multinomial_segmentation` (exact optimal partitioning);
* :mod:`framing.stats.stance_counts` and :mod:`framing.stats.shares`: stance shares and the legitimacy
  index per group (``framing.label_shares``, ``framing.legitimacy_index``).

:mod:`framing.stats.checks` holds the argument checks the modules share. scipy is imported inside the
functions that need it.
"""

from framing.stats.bootstrap import bootstrap_index, bootstrap_shares
from framing.stats.divergence import cluster_order, js_distance_matrix, js_divergence
from framing.stats.intervals import dirichlet_interval, wilson_interval
from framing.stats.keyness import bh_qvalues, keyness, log_odds_dirichlet
from framing.stats.segmentation import binomial_segmentation, multinomial_segmentation

__all__ = [
    "log_odds_dirichlet",
    "keyness",
    "bh_qvalues",
    "js_divergence",
    "js_distance_matrix",
    "cluster_order",
    "wilson_interval",
    "dirichlet_interval",
    "bootstrap_shares",
    "bootstrap_index",
    "binomial_segmentation",
    "multinomial_segmentation",
]
