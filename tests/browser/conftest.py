"""Fixtures of the real-browser tests: one headless Chromium and one live server per test module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, Served
from tests.fakes.chat_server import FakeChatServer
from tests.live_server import live_server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI and missing at {CHROMIUM} (.ci/run installs it)")
        pytest.skip("real-browser tests need Debian's chromium (apt-get install chromium); .ci/run installs it")
    with sync_playwright() as playwright:
        # Playwright gives each launch a fresh, empty profile directory of its own.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def fake_mistral() -> Iterator[FakeChatServer]:
    """A local fake Mistral endpoint for a server started with TREMPLIN_LLM_PROVIDER=mistral."""
    server = FakeChatServer(model="mistral-small-latest")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("browser-var")
    with live_server(data_dir, tmp_path_factory.mktemp("browser-log"), seed=True) as base:
        yield Served(base=base, data_dir=data_dir)


@pytest.fixture(scope="module")
def server(served: Served) -> str:
    return served.base
