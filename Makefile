# The project's commands. `make run` and `make test` set up whatever is missing first.
APP_PY := .venv/app/bin/python
RASA_PY := .venv/rasa/bin/python
CONFIG ?= config.yml
FOLDS ?= 3

.PHONY: setup run run-production stop-production test test-random bench bench-production load-fixtures train lint eval heldout crossval build-faq create-agent \
	deactivate-agent reset-agent-password end-agent-sessions \
	export-customer erase-customer purge-conversations

setup:
	@bash scripts/setup.sh

run: setup
	@$(APP_PY) -m harmony run

# The production profile (README "Production profile"): nginx, supervisord, PostgreSQL, Redis and
# 2 gateways, 2 Rasa servers, 2 action servers, all under var/production/; Ctrl-C stops it all.
run-production: setup
	@bash scripts/install_production.sh
	@$(APP_PY) -m harmony run-production

stop-production:
	@$(APP_PY) -m harmony stop-production

test:
	@bash scripts/test.sh

# make test-random [TEST_SEED=n]: the same, the app environment's tests in random order (seed printed)
test-random:
	@TEST_ORDER=random bash scripts/test.sh

bench: setup
	@$(APP_PY) -m harmony bench

# the production profile against the stock bot through the widget, 8 and 32 conversations -> docs/benchmarks-production.md
bench-production: setup
	@bash scripts/install_production.sh
	@$(APP_PY) -m harmony bench-production

# make load-fixtures [FILE=path/to/orders.yml]
load-fixtures: setup
	@$(APP_PY) -m harmony load-fixtures $(FILE)

# make create-agent USER=marie NAME="Marie Dubois" [ROLE=admin]: a support agent's (or an admin's) account;
# asks for the password twice
create-agent: export AGENT_USERNAME = $(value USER)
create-agent: export AGENT_NAME = $(value NAME)
create-agent: export AGENT_ROLE = $(value ROLE)
create-agent: setup
	@test "$(origin USER)" = "command line" && test -n "$$AGENT_NAME" \
		|| (echo 'usage: make create-agent USER=marie NAME="Marie Dubois" [ROLE=admin]' && exit 2)
	@$(APP_PY) -m harmony create-agent "$$AGENT_USERNAME" --name "$$AGENT_NAME" --role "$${AGENT_ROLE:-agent}"

# make deactivate-agent USER=marie | reset-agent-password USER=marie | end-agent-sessions USER=marie
deactivate-agent reset-agent-password end-agent-sessions: export AGENT_USERNAME = $(value USER)
deactivate-agent reset-agent-password end-agent-sessions: setup
	@test "$(origin USER)" = "command line" || (echo 'usage: make $@ USER=marie' && exit 2)
	@$(APP_PY) -m harmony $@ "$$AGENT_USERNAME"

train: setup
	@$(APP_PY) -m harmony train

lint: setup
	@$(APP_PY) -m ruff check . && $(APP_PY) -m ruff format --check . && $(APP_PY) -m mypy

build-faq: setup
	@$(APP_PY) -m harmony build-faq

# make eval DATA=../shared/eval/fr_real_chats.csv  -> reports/eval-fr_real_chats.json
eval: train
	@test -n "$(DATA)" || (echo "usage: make eval DATA=path/to/file.csv (columns lang,label,text)" && exit 2)
	@PYTHONPATH=. $(RASA_PY) -m harmony.nlu_eval "$(DATA)"

# make heldout [CONFIG=config.yml]: train on 80 % of our data, evaluate on the other 20 %
heldout: setup build-faq
	@PYTHONPATH=. $(RASA_PY) -m harmony.nlu_eval.experiment --config $(CONFIG) --heldout

# make crossval [FOLDS=3]: Rasa's cross-validation on our NLU data -> reports/crossval/
crossval: setup build-faq
	@PYTHONPATH=. RASA_TELEMETRY_ENABLED=false $(RASA_PY) -m rasa test nlu --config $(CONFIG) --nlu bot/data \
		--domain bot/domain --cross-validation --folds $(FOLDS) --out reports/crossval

# Customer data (README "Customer data"). The e-mail reaches the command through the environment, never the shell.
# make export-customer EMAIL=jean@example.fr [OUT=jean.json]: everything stored about a customer, as JSON
export-customer: export CUSTOMER_EMAIL = $(value EMAIL)
export-customer: export EXPORT_FILE = $(value OUT)
export-customer: setup
	@test -n "$$CUSTOMER_EMAIL" || (echo 'usage: make export-customer EMAIL=jean@example.fr [OUT=file.json]' && exit 2)
	@$(APP_PY) -m harmony export-customer "$$CUSTOMER_EMAIL" $${EXPORT_FILE:+--output "$$EXPORT_FILE"}

# make erase-customer EMAIL=jean@example.fr [YES=1]: erase their conversations (orders stay); asks unless YES=1
erase-customer: export CUSTOMER_EMAIL = $(value EMAIL)
erase-customer: setup
	@test -n "$$CUSTOMER_EMAIL" || (echo 'usage: make erase-customer EMAIL=jean@example.fr [YES=1]' && exit 2)
	@$(APP_PY) -m harmony erase-customer "$$CUSTOMER_EMAIL" $(if $(YES),--yes)

# make purge-conversations [DAYS=n]: delete conversations inactive for n days (default HARMONY_RETENTION_DAYS, 365)
purge-conversations: setup
	@$(APP_PY) -m harmony purge-conversations $(if $(DAYS),--days "$(DAYS)")
