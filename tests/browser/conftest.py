"""Shared set-up of the browser tests: a real ``streamlit run`` of the app, Debian's Chromium, a network guard.

One app server per data directory and one browser per session; each test gets a fresh browser context
(a fresh Streamlit session) whose every request is checked by :class:`NetworkGuard`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

# The browser tooling (Chromium, the network guard, the app's hooks, AppPage) lives in devtools/, shared with bench/
# and scripts/screenshot.py; servers come from serve.launcher (the one launcher).
from devtools.browser import (  # noqa: F401 - re-exported for the browser tests
    _WHERE_JS,
    CHROMIUM_ARGS,
    HOOKS,
    MAP_IFRAME,
    AppPage,
    DialogTrap,
    Hooks,
    NetworkGuard,
    ensure_chromium,
    wait_idle,
)
from serve.launcher import AppServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so the page fixture can save a screenshot of a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser/ carries the ``browser`` marker (``-m "not browser"`` skips them)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------- app server


def _server(tmp_path_factory: pytest.TempPathFactory, data_dir: Path, name: str) -> Iterator[AppServer]:
    if not (ROOT / "streamlit_app.py").exists():
        pytest.fail("streamlit_app.py is missing: the browser tests need the app")
    server = AppServer(data_dir, tmp_path_factory.mktemp("streamlit") / f"{name}.log").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory) -> Iterator[AppServer]:
    """The app on the shipped data (data/)."""
    yield from _server(tmp_path_factory, ROOT / "data", "app")


@pytest.fixture(scope="session")
def xss_server(tmp_path_factory) -> Iterator[AppServer]:
    """The app on tests/data/xss/: features whose text properties carry script payloads."""
    yield from _server(tmp_path_factory, ROOT / "tests" / "data" / "xss", "xss")


# --------------------------------------------------------------------------- browser and network guard


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def allow_tiles() -> bool:
    """Override (``@pytest.mark.parametrize("allow_tiles", [True])`` or a local fixture) to let tiles 204."""
    return False


@pytest.fixture
def guard(allow_tiles) -> NetworkGuard:
    return NetworkGuard(allow_tiles=allow_tiles)


@pytest.fixture
def dialogs() -> DialogTrap:
    return DialogTrap()


@pytest.fixture
def context(browser, guard, dialogs):
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN", accept_downloads=True)
    ctx.route("**/*", guard.handle)
    ctx.on("request", guard.on_request)
    ctx.set_default_timeout(30_000)
    try:
        yield ctx
    finally:
        ctx.close()
    guard.assert_clean()
    assert not dialogs.dialogs, f"a dialog opened (a script ran): {dialogs.dialogs}"


@pytest.fixture
def page(request, context, dialogs):
    p = context.new_page()
    p.on("dialog", dialogs.handle)
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.page_errors = errors  # type: ignore[attr-defined]
    yield p
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not p.is_closed():
        # tests/artifacts/ is git-ignored: a picture and the page errors of the failed test
        out = ROOT / "tests" / "artifacts"
        out.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-120:]
        p.screenshot(path=str(out / f"{name}.png"), full_page=True)
        (out / f"{name}.txt").write_text("\n".join(errors) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- the app's hooks (docs/UI_HOOKS.md)


@pytest.fixture(scope="session")
def hooks() -> Hooks:
    return HOOKS


# --------------------------------------------------------------------------- app helpers
@pytest.fixture
def app(page, app_server) -> AppPage:
    return AppPage(page, app_server)


@pytest.fixture
def xss_app(page, xss_server) -> AppPage:
    return AppPage(page, xss_server)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """tests/artifacts/ (git-ignored): screenshots and logs of failed runs."""
    d = ROOT / "tests" / "artifacts"
    d.mkdir(parents=True, exist_ok=True)
    return d
