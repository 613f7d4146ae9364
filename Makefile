# `make demo` and `make test` each set up a fresh machine (virtual environment, install)
# and then run. The install step reruns only when pyproject.toml changes.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test lint docs bench mutate clean

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

# every benchmark in one run, its output kept in benchmarks/runs/ (the figures of the README and docs/performance.md)
BENCHES = core stream ami many weights dask memory kinds rmi bootstrap coverage coverage_scores
RUN = benchmarks/runs/$(shell date -u +%Y-%m-%d-%H%M).txt
bench: $(VENV)/.test
	mkdir -p benchmarks/runs
	set -o pipefail; { date -u "+run of %Y-%m-%d %H:%M UTC"; nproc | sed 's/$$/ CPUs/'; \
	  lscpu | grep -E "Model name|L3" | sed 's/  */ /g'; failed=""; \
	  for b in $(BENCHES); do echo; echo "## benchmarks/bench_$$b.py"; \
	    $(PY) benchmarks/bench_$$b.py || failed="$$failed $$b"; done; \
	  echo; echo "failed:$${failed:- none}"; test -z "$$failed"; } 2>&1 | tee $(RUN)

# mutation testing of the core (not part of make test): mutmut over the Python modules named
# in pyproject.toml's [tool.mutmut], the curated kernel mutants of benchmarks/mutate_kernels.py,
# then the report (kill rate per module, every survivor), kept in benchmarks/runs/. A fresh
# run each time (mutants/ is removed first); on 2 cores it takes about an hour (see docs/development.md).
MUTATE_RUN = benchmarks/runs/$(shell date -u +%Y-%m-%d-%H%M)-mutate.txt
mutate: $(VENV)/.test
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[mutate]'
	rm -rf mutants
	# mutmut copies nmi/ with numba's on-disk cache: start from an empty one (a cache left by
	# earlier work once broke mutmut's stats run: "NRT_adapt_ndarray_to_python: descr is
	# NULL" in tests/test_jit.py; an empty cache recompiles once and passes)
	rm -f nmi/_kernels/__pycache__/*.nbi nmi/_kernels/__pycache__/*.nbc
	mkdir -p benchmarks/runs
	set -o pipefail; { date -u "+mutation run of %Y-%m-%d %H:%M UTC"; start=$$(date +%s); \
	  PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/mutmut run --max-children 2 > mutants.log 2>&1; \
	  echo "mutmut: $$(( $$(date +%s) - start )) s"; \
	  $(PY) benchmarks/mutate_kernels.py --jobs 2 --json mutants/kernels.json | tail -1; \
	  echo "in all: $$(( $$(date +%s) - start )) s"; echo; \
	  $(PY) benchmarks/mutation_report.py --kernels mutants/kernels.json; } 2>&1 | tee $(MUTATE_RUN)

clean:
	rm -rf $(VENV) build dist *.egg-info nmi/__pycache__ docs/_build docs/generated mutants mutants.log
