# The two commands of the README: `make run` and `make test`. Both bootstrap .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE := docs/examples/noticeboard
EXAMPLE_PYPROJECT := $(wildcard $(EXAMPLE)/pyproject.toml)

.PHONY: run test lint typecheck test-sqlite test-postgres bench clean

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

test-sqlite: $(STAMP)
	LINLI_TEST_DB=sqlite $(BIN)/python -m pytest -q -p no:randomly --durations=8

# PostgreSQL: mandatory in CI (CI=true), skipped with a reason on a machine without the server.
test-postgres: $(STAMP)
	@if $(BIN)/python -c "import socket,sys; s=socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(('127.0.0.1',5432)))"; then \
		LINLI_TEST_DB=postgres LINLI_TEST_REDIS_URL=$${LINLI_TEST_REDIS_URL_PG:-redis://127.0.0.1:6379/9} \
			$(BIN)/python -m pytest -q -p no:randomly --durations=8; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "error: PostgreSQL is not reachable on 127.0.0.1:5432 (required in CI)"; exit 1; \
	else \
		echo "skipped: PostgreSQL run (no server on 127.0.0.1:5432; CI requires it)"; \
	fi

# The two database passes run side by side (each with its own Redis database; RabbitMQ is used by
# the PostgreSQL pass only); each pass's output is printed whole when it ends.
test: lint typecheck
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

bench: $(STAMP)
	$(BIN)/python tests/perf/bench_tenant_read.py
	$(BIN)/python tests/perf/bench_webhook.py

clean:
	rm -rf $(VENV) var
