"""Output: charts, the HTML report and its sections, atomic file writes."""

