#!/usr/bin/env bash
# Every test of the project: lint, model training when needed, both environments' tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install_postgres.sh  # tests start their own throwaway PostgreSQL server
bash scripts/install_browser.sh  # browser tests drive Debian's chromium with Playwright
APP=.venv/app/bin/python
RASA=.venv/rasa/bin/python
# Tests that import Rasa itself run in the Rasa environment; all others in the app one.
RASA_ENV_TESTS=(tests/bot/components tests/bot/channels tests/harmony/nlu_eval)

echo "== lint (ruff, mypy)"
$APP -m ruff check .
$APP -m ruff format --check .
$APP -m mypy

echo "== model (trained only if data, domain or config changed)"
$APP -m harmony train

echo "== tests in the Rasa environment"
PYTHONPATH=. $RASA -m pytest -q -p no:cacheprovider "${RASA_ENV_TESTS[@]}"

echo "== tests in the app environment (unit, rasa data validate, end-to-end)"
ignores=(); for d in "${RASA_ENV_TESTS[@]}"; do ignores+=(--ignore "$d"); done
PYTHONPATH=. $APP -m pytest -q -p no:cacheprovider "${ignores[@]}" tests
