# The two commands a fresh machine needs: `make run` and `make test`.
PY := .venv/bin/python

.PHONY: run test setup setup-dev lint validate bench districts

setup:
	bash scripts/setup.sh

setup-dev:
	bash scripts/setup.sh --dev

run: setup
	.venv/bin/streamlit run streamlit_app.py

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
