"""Output: what a reader sees, drawn from the analysis tables.

- :mod:`~framing.output.charts`: one module per kind of chart, their style (fonts, Arabic text, colours,
  panels) and :func:`~framing.output.charts.save_figure`;
- :mod:`~framing.output.attention`: attention over time as charts, a whole-span table and a report section;
- :mod:`~framing.output.termmap_html`: the interactive term map as one self-contained HTML block or page;
- :mod:`~framing.output.report`: the HTML report (sections, escaped tables, embedded PNGs);
- :mod:`~framing.output.views`: the attention and term map section of ``framing analyze``;
- :mod:`~framing.output.names`: outlet names as charts and reports show them;
- :mod:`~framing.output.files`: atomic file writes.
"""
