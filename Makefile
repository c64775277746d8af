# GovFlow: `make run` sets everything up and starts the app; `make test` runs the whole test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export FLASK_APP := webapp
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: run setup venv npm test test-sqlite test-postgres lint services clean

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

venv: $(BIN)/activate

# Front-end libraries (ECharts) from the npm registry, served by webapp/vendor.py.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

npm: node_modules/.package-lock.json

setup: venv npm
	$(BIN)/flask govflow setup

run: setup
	$(BIN)/flask govflow serve --host $${HOST:-127.0.0.1} --port $${PORT:-5000}

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports

services:
	bash scripts/ensure-services.sh

test-sqlite: venv npm
	$(BIN)/python -m pytest -q

test-postgres: venv npm services
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -q

test: lint test-sqlite test-postgres

clean:
	rm -rf $(VENV) var test-artifacts

# Benchmarks (docs/performance.md): `make bench` at full size (about an hour), `make bench-quick` in minutes.
.PHONY: bench bench-quick
bench: venv services
	$(BIN)/python -m bench.engine_throughput --items 500
	$(BIN)/python -m bench.http_load --size 1000 --clients 4
	$(BIN)/python -m bench.read_paths --size 1.0
	$(BIN)/python -m bench.timer_burst --db postgresql --pending 100000 --burst 10000
	$(BIN)/python -m bench.timer_lag --db sqlite --rq
	$(BIN)/python -m bench.timer_lag --db postgresql --url $(PG_TEST_URL) --rq --stale-stats
	$(BIN)/python -m bench.chaos

bench-quick: venv services
	$(BIN)/python -m bench.engine_throughput --items 40 --rounds 4 --out /tmp/govflow-bench/engine_throughput.json
	$(BIN)/python -m bench.http_load --size 60 --clients 4 --session-gets 20 --out /tmp/govflow-bench
	$(BIN)/python -m bench.read_paths --size 0.01 --rounds 5 --out /tmp/govflow-bench/read_paths.json
	$(BIN)/python -m bench.timer_burst --pending 1000 --burst 200 --spread 5 --out /tmp/govflow-bench
	$(BIN)/python -m bench.chaos --duration 30 --size 150 --timers 40 --out /tmp/govflow-bench
