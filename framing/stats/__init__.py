"""Statistics: intervals, keyness, bootstrap, distances; label shares per outlet."""

from framing.stats.core import (
    log_odds_dirichlet,
    keyness,
    bh_qvalues,
    js_divergence,
    js_distance_matrix,
    cluster_order,
    wilson_interval,
    dirichlet_interval,
    bootstrap_shares,
    bootstrap_index,
    binomial_segmentation,
    multinomial_segmentation,
)

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
