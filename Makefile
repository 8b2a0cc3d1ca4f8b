# The two commands: `make run` (set up and start the local studio) and `make test` (set up and run every check).
SHELL := /bin/bash
BIN := .venv/bin
PORT ?= 8080

.PHONY: run test setup lint typecheck pytest ui-test bench clean

run: setup
	$(BIN)/deca dev --port $(PORT)

test: setup lint typecheck pytest ui-test

setup:
	@bash scripts/setup.sh

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest -q -n 2

ui-test:  # studio UI: typecheck, vitest, API types drift check (skipped without npm)
	@if command -v npm >/dev/null; then npm --prefix ui run check; else echo "ui-test: npm not found, skipped"; fi

bench: setup
	$(BIN)/python benchmarks/compile.py
	$(BIN)/python benchmarks/asl_runtime.py

clean:
	rm -rf .venv .mypy_cache .ruff_cache .pytest_cache .hypothesis build *.egg-info
