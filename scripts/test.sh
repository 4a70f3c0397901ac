#!/usr/bin/env bash
# Every test of the project: lint, model training when needed, both environments' tests.
# Each pytest run prints how many tests it collected per folder before running them (tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install_browser.sh  # browser tests drive Debian's chromium with Playwright
# PostgreSQL, Redis, nginx, supervisord: tests start their own throwaway PostgreSQL and Redis servers,
# and the production profile's tests all four
bash scripts/install_production.sh
APP=.venv/app/bin/python
RASA=.venv/rasa/bin/python
# Tests that import Rasa itself run in the Rasa environment; all others in the app one.
RASA_ENV_TESTS=(tests/bot/components tests/bot/channels tests/bot/turn_cost tests/bot/rasa_server tests/harmony/nlu_eval)

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
# TEST_ORDER=random runs these in random order (modules shuffled, and the tests within each);
# the seed is printed, and TEST_SEED=<seed> repeats that order. The default order is pytest's own.
order=()
if [ "${TEST_ORDER:-}" = random ]; then
  seed=${TEST_SEED:-$((RANDOM * 32768 + RANDOM))}
  echo "random order, seed $seed (again: TEST_ORDER=random TEST_SEED=$seed make test)"
  order=(--random-order-bucket=module "--random-order-seed=$seed")
fi
PYTHONPATH=. $APP -m pytest -q -p no:cacheprovider "${order[@]}" "${ignores[@]}" --ignore tests/production tests

echo "== fault test on the production profile (nginx, 2 gateways, 2 Rasa, 2 action servers, PostgreSQL, Redis)"
PYTHONPATH=. $APP -m pytest -q -s -p no:cacheprovider tests/production
