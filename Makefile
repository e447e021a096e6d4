# framing — the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed
export PYTHONHASHSEED := 0

.PHONY: install demo lint test test-long test-notebooks bench fuzz clean browser

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/framing analyze data/demo/corpus.jsonl --lexicon libya --out reports/demo --force
	$(VENV)/bin/jupyter nbconvert --to html --execute notebooks/*.ipynb --output-dir reports/notebooks \
		--ExecutePreprocessor.timeout=600 --log-level=WARN
	@echo
	@echo "Done. Open reports/demo/report.html (tables and charts in reports/demo/),"
	@echo "the executed notebooks in reports/notebooks/, or explore them live: .venv/bin/jupyter lab notebooks/"

# ruff and mypy on framing/ (config in pyproject.toml); any finding fails the target, and so `make test`
lint: install
	$(VENV)/bin/ruff check framing
	$(VENV)/bin/mypy

# lint, then the suite on 2 cores without the long runs (tests marked slow; the full notebook matrix).
# pyproject.toml's addopts give --dist loadfile: each notebook's nbval cells stay on one worker, in order.
XDIST := -n 2
test: install browser lint
	$(PY) -m pytest -q $(XDIST) -m "not slow"

# Chromium for tests/test_report_browser.py: Debian's package, installed when running as root with apt;
# otherwise that test skips and says how to install it (playwright's own browser download is not used).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get install -y chromium >/dev/null || echo "could not install chromium: the browser test will skip"; \
	else echo "no /usr/bin/chromium and not root with apt-get: the browser test will skip (apt-get install -y chromium)"; fi

# the long runs: tests marked slow, then every notebook x every bundled lexicon x {demo, SaudiNewsNet
# sample} and on one outlet (`make test` runs a part of that matrix); .ci/run runs `make test` then this
test-long: install browser
	$(PY) -m pytest -q $(XDIST) -m slow
	FRAMING_NOTEBOOK_MATRIX=full $(PY) -m pytest -q -n 2 --dist load tests/test_notebooks_params.py

# the notebook matrix alone
test-notebooks: install
	FRAMING_NOTEBOOK_MATRIX=full $(PY) -m pytest -q -n 2 --dist load tests/test_notebooks_params.py

bench: install
	$(PY) benchmarks/run.py

fuzz: install
	FRAMING_FUZZ=long $(PY) -m pytest -q tests -k "fuzz or properties"

clean:
	rm -rf $(VENV) reports build *.egg-info
