# pbm — every target sets itself up: a fresh clone needs only Python ≥ 3.11 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WS     := sample_data/2026-示例区

.PHONY: demo test bench real fuzz install clean sample-data lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,fast,charts]"
	touch $(STAMP)

# pbm goes into .venv/; `. .venv/bin/activate` then puts it on the PATH of the shell.
install: $(STAMP)
	@echo 'pbm is installed in $(VENV)/ — to use it in this shell:  . $(BIN)/activate'

# The main job on the bundled workspaces (2025, then 2026).  pbm exits 1 when it finds
# errors — which the demo data contains on purpose — so only exit 2 (unreadable input / bad
# usage) fails the demo.
demo: $(STAMP)
	$(BIN)/python sample_data/demo.py

test: $(STAMP)
	$(BIN)/ruff check pbm tests benchmarks sample_data
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# pbm on the real workbooks beside the repository (../shared/real), when they are there.
real: $(STAMP)
	$(BIN)/python benchmarks/real.py

# Structured mutations of the sample workbooks, every command run on each (not part of `make
# test` or CI): FUZZ_SECONDS (default 600) of cases, FUZZ_SEED to repeat a run; failing cases
# are saved in benchmarks/fuzz-failures/.
FUZZ_SECONDS ?= 600
fuzz: $(STAMP)
	$(BIN)/python benchmarks/fuzz.py --seconds $(FUZZ_SECONDS) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

sample-data: $(STAMP)
	$(BIN)/python sample_data/generate.py

lint: $(STAMP)
	$(BIN)/ruff check pbm tests benchmarks sample_data

clean:
	rm -rf $(VENV) pbm-out $(WS)/out sample_data/2025-示例区/out .pytest_cache
