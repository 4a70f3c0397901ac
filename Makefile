# The project's commands. `make run` and `make test` set up whatever is missing first.
APP_PY := .venv/app/bin/python

.PHONY: setup run test bench load-fixtures train lint

setup:
	@bash scripts/setup.sh

run: setup
	@$(APP_PY) -m harmony run

test:
	@bash scripts/test.sh

bench: setup
	@$(APP_PY) -m harmony bench

# make load-fixtures [FILE=path/to/orders.yml]
load-fixtures: setup
	@$(APP_PY) -m harmony load-fixtures $(FILE)

train: setup
	@$(APP_PY) -m harmony train

lint: setup
	@$(APP_PY) -m ruff check . && $(APP_PY) -m ruff format --check . && $(APP_PY) -m mypy
