# `make demo` and `make test` each set up a fresh machine (virtual environment, install)
# and then run. The install step reruns only when pyproject.toml changes.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test lint docs bench clean

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[plot]'
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.base
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

demo: $(VENV)/.base
	$(VENV)/bin/nmi demo --output nmi-demo.png

# two workers: the suite is mostly single-threaded compiling and checking, on 2-core machines
test: $(VENV)/.test
	$(PY) -m pytest -q -n 2

lint: $(VENV)/.test
	$(VENV)/bin/ruff check nmi tests benchmarks examples
	$(VENV)/bin/ruff format --check nmi tests benchmarks examples
	$(VENV)/bin/mypy

# the documentation site, from docs/ and the docstrings, into docs/_build/html
docs: $(VENV)/.test
	$(VENV)/bin/sphinx-build -W --keep-going -b html docs docs/_build/html

bench: $(VENV)/.test
	$(PY) benchmarks/bench_core.py
	$(PY) benchmarks/bench_stream.py
	$(PY) benchmarks/bench_ami.py
	$(PY) benchmarks/bench_many.py
	$(PY) benchmarks/bench_weights.py
	$(PY) benchmarks/bench_dask.py
	$(PY) benchmarks/bench_memory.py
	$(PY) benchmarks/bench_kinds.py

clean:
	rm -rf $(VENV) build dist *.egg-info nmi/__pycache__ docs/_build docs/generated
