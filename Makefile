# The two commands a new user types: `make demo` and `make test`. Both create the
# virtual environment in .venv/ and install what they need first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEV_EVAL := ../shared/eval/dev

.PHONY: install demo test lint evaluate-dev browser-deps gazetteer clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,baseline]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/govkz demo

# Debian's chromium for the browser test (no browser download: none is possible here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install browser-deps lint
	$(BIN)/python -m pytest -q
	@if [ -d $(DEV_EVAL) ]; then \
	  echo "== evaluation on the real releases in $(DEV_EVAL) =="; \
	  $(BIN)/govkz evaluate --gold $(DEV_EVAL) --no-diffs; \
	fi

evaluate-dev: install
	$(BIN)/govkz evaluate --gold $(DEV_EVAL)

gazetteer: install
	$(BIN)/python -m pipeline.build_gazetteer

clean:
	rm -rf $(VENV) corpus/output .pytest_cache .mypy_cache .ruff_cache
