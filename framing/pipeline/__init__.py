"""The pipeline: `analyze` runs every step on a corpus and writes the report.

One module per step, in the order a run takes them: :mod:`~framing.pipeline.config` (what is asked,
checked before anything is read), :mod:`~framing.pipeline.extraction` (reading and extraction in one
process; :mod:`~framing.pipeline.distributed` on a Dask cluster), :mod:`~framing.pipeline.copies` (wire
copies), :mod:`~framing.pipeline.statistics`, :mod:`~framing.pipeline.figures` (charts),
:mod:`~framing.pipeline.reporting` and :mod:`~framing.pipeline.sections` (the report), with
:mod:`~framing.pipeline.analyze` running them (:func:`framing.analyze`).
"""
