"""The statistics that used to live in one module, under their old path.

They now live one step per module: :mod:`framing.stats.keyness` (contrasts between term counts),
:mod:`framing.stats.divergence` (Jensen-Shannon distances, clustering), :mod:`framing.stats.intervals`
(Wilson and Dirichlet intervals), :mod:`framing.stats.bootstrap` (document-level bootstraps) and
:mod:`framing.stats.segmentation` (change points). Import them from :mod:`framing.stats`; this
module keeps ``framing.stats.core.<name>`` working.
"""

from __future__ import annotations

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
