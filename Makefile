# Two set-up commands (see README): `make demo` and `make test`. Both create ./.venv and
# install the project into it first; nothing else is needed but Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test test-full lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(PY) -m archive demo --out demo-output

test: $(VENV)/.installed
	$(PY) -m pytest -q -n auto --dist loadfile

test-full: $(VENV)/.installed
	$(PY) -m pytest -q -n auto --dist loadfile --run-slow

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) demo-output .pytest_cache
