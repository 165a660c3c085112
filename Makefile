# The two commands of the README: `make run` and `make test`. Both bootstrap .venv themselves.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE := docs/examples/noticeboard
EXAMPLE_PYPROJECT := $(wildcard $(EXAMPLE)/pyproject.toml)

.PHONY: run test lint typecheck test-sqlite test-postgres bench clean i18n

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml $(EXAMPLE_PYPROJECT) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@if [ -f $(EXAMPLE)/pyproject.toml ]; then $(BIN)/python -m pip install --quiet -e $(EXAMPLE); fi
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/linli serve --demo

lint: $(STAMP)
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --check --no-cache .

typecheck: $(STAMP)
	$(BIN)/mypy

# Each pass prints as it runs, every line prefixed with its name, and leaves a JUnit report
# that `make test` sums up in one closing line per pass.
test-sqlite: $(STAMP)
	@mkdir -p var
	@rm -f var/test-sqlite.xml
	LINLI_TEST_DB=sqlite $(BIN)/python -u -m pytest -q -p no:randomly --durations=8 \
		--junitxml=var/test-sqlite.xml 2>&1 | sed -u 's/^/[sqlite] /'

# PostgreSQL: mandatory in CI (CI=true), skipped with a reason on a machine without the server.
test-postgres: $(STAMP)
	@mkdir -p var
	@rm -f var/test-postgres.xml
	@if $(BIN)/python -c "import socket,sys; s=socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(('127.0.0.1',5432)))"; then \
		LINLI_TEST_DB=postgres LINLI_TEST_REDIS_URL=$${LINLI_TEST_REDIS_URL_PG:-redis://127.0.0.1:6379/9} \
			$(BIN)/python -u -m pytest -q -p no:randomly --durations=8 \
			--junitxml=var/test-postgres.xml 2>&1 | sed -u 's/^/[postgres] /'; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "error: PostgreSQL is not reachable on 127.0.0.1:5432 (required in CI)"; exit 1; \
	else \
		echo "skipped: PostgreSQL run (no server on 127.0.0.1:5432; CI requires it)"; \
	fi

# The two database passes run side by side (each with its own Redis database; RabbitMQ is used by
# the PostgreSQL pass only), their lines interleaved with their names; one summary line each at the end.
test: lint typecheck
	@status=0; $(MAKE) --no-print-directory -j2 test-sqlite test-postgres || status=$$?; \
	reports="sqlite=var/test-sqlite.xml"; \
	if [ -f var/test-postgres.xml ] || [ "$${CI:-}" = "true" ]; then reports="$$reports postgres=var/test-postgres.xml"; fi; \
	$(BIN)/python infra/test_summary.py $$reports || status=1; exit $$status

# New msgids from the templates into each catalogue (zh-CN); translate the empty ones, and
# tests/core/test_catalogues.py keeps every page string translated. Catalogues are compiled in
# memory at start-up: there is no build step.
I18N_DIRS := core/ui plugins/repairs plugins/door_access plugins/mediation plugins/canteen $(EXAMPLE)/linli_noticeboard
i18n: $(STAMP)
	$(BIN)/python infra/i18n_extract.py $(I18N_DIRS)

bench: $(STAMP)
	$(BIN)/python tests/perf/bench_tenant_read.py
	$(BIN)/python tests/perf/bench_webhook.py
	$(BIN)/python tests/perf/bench_canteen.py

clean:
	rm -rf $(VENV) var
