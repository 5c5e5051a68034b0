# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint install clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The cereal pipeline on a local Dask cluster (2 worker processes), then its stored run.
run: $(STAMP)
	cd examples/cereal && ../../$(BIN)/daskflow pipeline execute -f cereal.py --preset local
	cd examples/cereal && ../../$(BIN)/daskflow run list --limit 5

# Lint, type-check, then the suite (which also runs every code block of README.md and docs/).
test: lint
	$(BIN)/pytest -q

# The benchmark suite (benchmarks/suite.py): TPC-H data at scale factor SF, the overhead
# benchmark, every TPC-H pipeline against hand-written Dask and DuckDB; writes
# benchmarks/results/suite/ and the generated section of benchmarks/README.md.
# LARGE_SF=50 adds the out-of-core Q1 run (generates ~13 GB of lineitem once).
SF ?= 1
LARGE_SF ?= 0
bench: $(STAMP)
	$(BIN)/python -m benchmarks.suite --sf $(SF) --large-sf $(LARGE_SF)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .daskflow .pytest_cache .mypy_cache .ruff_cache
