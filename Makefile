# The two commands a fresh machine needs: `make run` and `make test`.
PY := .venv/bin/python

# make run binds ADDRESS:PORT (127.0.0.1:8501 unless given: make run ADDRESS=0.0.0.0 PORT=8080).
ADDRESS ?= 127.0.0.1
PORT ?= 8501

.PHONY: run serve load floor test setup setup-dev lint validate bench bench-engine districts

setup:
	bash scripts/setup.sh

setup-dev:
	bash scripts/setup.sh --dev

run: setup
	.venv/bin/streamlit run streamlit_app.py --server.address $(ADDRESS) --server.port $(PORT)

# One replica per core behind HAProxy (README "Deployment"): the balancer on ADDRESS:PORT, replicas on 127.0.0.1:8511...
serve:
	ATLAS_ADDRESS=$(ADDRESS) ATLAS_PORT=$(PORT) bash scripts/serve.sh

lint:
	.venv/bin/ruff check .

validate:
	$(PY) -m geo.validate data/

test: setup-dev
	.venv/bin/ruff check .
	$(PY) -m geo.validate data/
	$(PY) -m pytest

districts:
	bash scripts/setup.sh
	.venv/bin/pip install -q -r requirements-build.txt
	$(PY) data/build_districts.py

# The speed-and-scale benchmark (README "Performance"): prints a table, writes bench/out/results.json.
bench: setup-dev
	.venv/bin/pip install -q --disable-pip-version-check -r requirements-bench.txt
	$(PY) -m bench.run

# The spatial engine and the loader at 100k (README "Performance"): panel queries warm, cold load in fresh processes.
bench-engine: setup-dev
	$(PY) -m bench.engine_bench

# The load test (README "Serving a crowd"): 1-100 visitors at once on one process, then through HAProxy and 2 replicas.
load: setup-dev
	$(PY) -m bench.load
	$(PY) -m bench.load --replicas 2

# What the page's content costs in Streamlit (README "Serving a crowd"): the atlas, the bare page and the atlas's
# elements without app code (bench/skeleton_app.py), part by part, 30 visitors at once, same run.
floor: setup-dev
	$(PY) -m bench.content_floor
