# The two commands: `make run` (set up and start the local studio) and `make test` (set up and run every check).
SHELL := /bin/bash
BIN := .venv/bin
PORT ?= 8080

.PHONY: run test setup lint typecheck pytest bench clean

run: setup
	$(BIN)/deca dev --port $(PORT)

test: setup lint typecheck pytest

setup:
	@bash scripts/setup.sh

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest -q -n 2

bench: setup
	$(BIN)/python benchmarks/compile.py
	$(BIN)/python benchmarks/asl_runtime.py

clean:
	rm -rf .venv .mypy_cache .ruff_cache .pytest_cache .hypothesis build *.egg-info
