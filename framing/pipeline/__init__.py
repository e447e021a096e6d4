"""The pipeline: `analyze` runs every step on a corpus and writes the report."""

