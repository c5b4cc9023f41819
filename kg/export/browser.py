"""Open an exported page in Debian's chromium with every network request blocked (tests, screenshot, benchmark).

Needs the ``dev`` extra (playwright) and ``apt-get install -y chromium``; never ``playwright install``.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM", "LAUNCH_ARGS", "NODE_POINT", "chromium_path", "launch", "PageLog", "open_offline"]

#: The real binary of Debian's chromium package (/usr/bin/chromium is a wrapper script).
CHROMIUM = Path("/usr/lib/chromium/chromium")
LAUNCH_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-gpu",
    "--mute-audio",
]


def chromium_path() -> Path | None:
    """Debian's chromium binary ($KG_CHROMIUM overrides), or None when it is not installed."""
    env = os.environ.get("KG_CHROMIUM")
    for candidate in (env, str(CHROMIUM), shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            # /usr/bin/chromium is a shell wrapper Playwright cannot drive; prefer the real binary.
            if candidate == shutil.which("chromium") and CHROMIUM.is_file():
                return CHROMIUM
            return Path(candidate)
    return None


def launch(playwright: Any) -> Any:
    """A headless chromium browser from Playwright's sync API."""
    path = chromium_path()
    if path is None:
        raise RuntimeError("chromium not found: apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=str(path), args=LAUNCH_ARGS)


@dataclass
class PageLog:
    """What a page did: console errors, uncaught exceptions and the requests we blocked."""

    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    ready_seconds: float | None = None


def open_offline(browser: Any, path: Path, *, timeout_ms: int = 30_000, viewport: tuple[int, int] = (1400, 900)) -> tuple[Any, PageLog]:
    """Open ``path`` in a new page, allowing only file:/data:/blob:, and wait for ``window.kg.ready``."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    log = PageLog()
    page.on("console", lambda m: log.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(f"pageerror: {e}"))

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            log.blocked.append(url)
            r.abort()

    page.route("**/*", route)
    start = time.perf_counter()
    page.goto(Path(path).resolve().as_uri())
    page.wait_for_function("window.kg && window.kg.ready === true", timeout=timeout_ms)
    log.ready_seconds = time.perf_counter() - start
    return page, log


#: JS for page.evaluate: a node id -> its [x, y] on the page, for hovering and clicking it.
NODE_POINT = """(id) => {
  const net = window.kg.network;
  const p = net.canvasToDOM(net.getPositions([id])[id]);
  const r = document.getElementById('kg-network').getBoundingClientRect();
  return [r.left + p.x, r.top + p.y];
}"""
