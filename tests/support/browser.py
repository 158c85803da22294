"""Playwright driving Debian's Chromium (never ``playwright install``). Without the browser a test skips with
a reason, or fails when JJJ_REQUIRE_SERVICES=1 (CI), like tests/support/servers.py."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.servers import _unavailable

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(path).exists():
        _unavailable(f"Chromium not found at {path} (set CHROMIUM_PATH or install Debian's chromium)")
    return path


def screenshot_dir(tmp_path_factory) -> Path:
    """Screenshots go to $JJJ_SCREENSHOTS_DIR (e.g. docs/screenshots, to refresh the committed ones) or a temp dir."""
    target = os.environ.get("JJJ_SCREENSHOTS_DIR")
    path = Path(target) if target else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path
