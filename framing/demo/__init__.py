"""The demo corpus: where it lives, its ground truth, and the generator that wrote it."""

from framing.demo.paths import (
    demo_path,
    demo_truth,
    mark_from_truth,
    planted_switch,
    resolve_corpus,
)

__all__ = [
    "demo_path",
    "demo_truth",
    "resolve_corpus",
    "mark_from_truth",
    "planted_switch",
]
