"""Code several test files share, written once: toy corpora and lexicons (``attention``, ``termmap``,
``terms``) and the way the bad-input drivers run the installed command (``command``).

Imported as ``helpers.<module>`` (``tests/`` is on ``sys.path``, as for ``badinput``); the fixtures built
on them are in ``tests/conftest.py``.
"""
