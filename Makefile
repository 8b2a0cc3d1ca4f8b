# The two commands: `make run` (set up and start the local studio) and `make test` (set up and run every check).
SHELL := /bin/bash
BIN := .venv/bin
PORT ?= 8080

.PHONY: run test setup lint typecheck pytest ui-build ui-test screenshots bench clean

run: setup ui-build
	$(BIN)/deca dev --port $(PORT)

test: setup lint typecheck ui-build pytest ui-test  # ui-build first: the browser tests (tests/browser) drive the built UI

setup:
	@bash scripts/setup.sh

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest -q -n 2

ui-build:  # the studio UI's static files (ui/dist), served by `deca dev` (skipped without npm)
	@if command -v npm >/dev/null; then npm --prefix ui run build --silent; else echo "ui-build: npm not found, skipped"; fi

ui-test:  # studio UI: typecheck, vitest, API types drift check (skipped without npm)
	@if command -v npm >/dev/null; then npm --prefix ui run check; else echo "ui-test: npm not found, skipped"; fi

screenshots: setup ui-build  # refresh docs/screenshots/*.png from the browser tests
	DECA_SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -q -n 0 -p no:randomly tests/browser

bench: setup
	$(BIN)/python benchmarks/compile.py
	$(BIN)/python benchmarks/asl_runtime.py
	$(BIN)/python benchmarks/sandbox.py
	$(BIN)/python benchmarks/forty_tasks.py
	$(BIN)/python benchmarks/webhook_load.py

clean:
	rm -rf .venv .mypy_cache .ruff_cache .pytest_cache .hypothesis build *.egg-info
