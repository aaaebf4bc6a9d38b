"""The pieces a browser test stands on: the web gateway process in front of the test services, Chromium
(Debian's, through Playwright), and the checks every page gets - axe-core for accessibility, a screenshot.

- :func:`start_gateway` runs ``web.gateway`` under gunicorn on a free port, routing to the test services and
  signing development tokens with the stack's key (local mode), like ``vaxtrail up`` does on 8080.
- :func:`launch` starts Chromium headless with the flags this machine needs (no background networking, a
  fresh profile) and a fake camera that plays a video file, so the QR scanner reads a real QR code.
- :class:`Screens` runs axe-core (from ``web/app/node_modules``, injected before any page script, so the
  app's Content Security Policy stays on) and keeps a screenshot of each screen; with
  ``VAXTRAIL_UI_SCREENSHOTS=docs/ui`` the screenshots are written where docs/ui.md shows them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from PIL import Image

from tests.e2e.stack import Stack
from tests.integration.service_procs import free_port

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "web" / "app" / "dist"
AXE = ROOT / "web" / "app" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
SERIOUS = ("serious", "critical")


def chromium_path() -> str:
    """Debian's Chromium; skip without it (fail in CI, where `.ci/run` must have installed it)."""
    path = os.environ.get("VAXTRAIL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    problems = []
    if not Path(path).is_file():
        problems.append(f"no Chromium at {path} (apt-get install chromium)")
    if not (DIST / "index.html").is_file() or not AXE.is_file():
        problems.append("the web app is not built (make setup: npm ci + build in web/app)")
    if problems:
        if os.environ.get("CI"):
            pytest.fail("; ".join(problems))
        pytest.skip("; ".join(problems))
    return path


@dataclass
class Gateway:
    base_url: str
    process: subprocess.Popen
    log: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_gateway(stack: Stack, workdir: Path, timeout: float = 60.0) -> Gateway:
    keys = workdir / "keys"
    port = free_port()
    env = {**os.environ, "VAXTRAIL_ENV": "local", "VAXTRAIL_SERVICE": "web", "VAXTRAIL_STATE_DIR": str(workdir),
           "PORT": str(port), "WEB_CONCURRENCY": "2", "WEB_THREADS": "8",
           "JWT_PUBLIC_KEY_FILE": str(keys / "local-dev-1.public.pem"),
           "JWT_PRIVATE_KEY_FILE": str(keys / "local-dev-1.private.pem")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    for name, service in stack.services.items():
        env[f"WEB_UPSTREAM_{name.upper()}"] = service.base_url
    log = workdir / "web-gateway.log"
    with open(log, "ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:eventkit.web.gunicorn_conf",
                                    "web.gateway.wsgi:create_app()"], env=env, cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT)
    gateway = Gateway(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(gateway.url("/readyz"), timeout=2).status_code == 200:
                return gateway
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            gateway.stop()
            raise RuntimeError(f"the web gateway did not become ready:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)


def launch(playwright, camera_video: Path):
    """Headless Chromium whose fake camera plays ``camera_video`` (a .y4m file, read when a page opens it)."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True,
        args=[*CHROMIUM_FLAGS, f"--use-file-for-fake-video-capture={camera_video}"])


def new_context(browser, gateway: Gateway, *, clock_at: float | None = None, **options):
    """A fresh browser profile on the gateway's origin with axe-core preloaded; its clock, if given, starts at
    ``clock_at`` (epoch seconds) and runs on from there."""
    options.setdefault("viewport", {"width": 1024, "height": 900})
    context = browser.new_context(base_url=gateway.base_url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  **options)
    context.add_init_script(path=str(AXE))
    context.set_default_timeout(30_000)
    if clock_at is not None:
        context.clock.install(time=clock_at)
    return context


@dataclass
class Screens:
    """Every screen a test visits: axe-core finds no serious or critical violation, and a screenshot is kept."""

    folder: Path = field(default_factory=lambda: Path(os.environ.get("VAXTRAIL_UI_SCREENSHOTS")
                                                       or tempfile.mkdtemp(prefix="vaxtrail-ui-")))
    seen: list[str] = field(default_factory=list)

    def check(self, page, name: str) -> None:
        page.wait_for_load_state("networkidle")
        found = page.evaluate("""async () => {
            const result = await axe.run(document, { resultTypes: ['violations'] });
            return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                                   nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
        }""")
        serious = [v for v in found if v["impact"] in SERIOUS]
        assert not serious, f"axe on {name} ({page.url}):\n{json.dumps(serious, indent=1, ensure_ascii=False)}"
        self.folder.mkdir(parents=True, exist_ok=True)
        # The whole page, by growing the viewport to it: after a `full_page` screenshot this Chromium (156,
        # Playwright 1.65) no longer delivered clicks to the page.
        size = page.viewport_size
        page.set_viewport_size({"width": size["width"],
                                "height": page.evaluate("() => document.documentElement.scrollHeight")})
        shot = self.folder / f"{name}.png"
        page.screenshot(path=str(shot))
        page.set_viewport_size(size)
        # 128 colours are plenty for a form and keep docs/ui small (a third of the size)
        Image.open(shot).convert("RGB").quantize(colors=128, method=Image.Quantize.FASTOCTREE).save(shot, optimize=True)
        self.seen.append(name)
