"""The built image, unpacked, and a way to run one of its commands the way a pod would.

``make test-image`` (after ``make image``) runs ``tests/image`` with ``VAXTRAIL_IMAGE`` naming the image
(``build/image/oci:<version>``); without that variable (a plain ``make test``) these tests are skipped. The
image is unpacked with umoci, so the test runs the published artefact, not the build folder.

:class:`ImageRunner` starts a command of the image's file system as a pod's container runs it: a private
mount namespace (``unshare --mount``), the image's root read-only, a fresh ``/tmp`` (the pod's emptyDir),
the host's ``/dev``, mounted "volumes" at the manifests' paths, then ``chroot --userspec=10001:10001``
with only the environment given (no ``PATH`` or ``HOME`` from the host). It shares the host's network,
so it reaches the PostgreSQL and Kafka of the ``infra`` fixture on 127.0.0.1.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.integration.conftest import Infra, infra  # noqa: F401 - the session's PostgreSQL and Kafka

ROOT = Path(__file__).resolve().parents[2]
UID = 10001


@dataclass
class ImageRunner:
    rootfs: Path
    scratch: Path
    mounts: dict[str, tuple[Path, bool]] = field(default_factory=dict)
    """Container path -> (host path, read-only), like a pod's volumeMounts."""
    started: list[subprocess.Popen] = field(default_factory=list)

    def argv(self, command: list[str], env: Mapping[str, str]) -> list[str]:
        root = shlex.quote(str(self.rootfs))
        script = ["set -e", f"mount --bind {root} {root}", f"mount -o remount,bind,ro {root}",
                  f"mount -t tmpfs -o mode=1777,size=256m tmpfs {root}/tmp", f"mount --rbind /dev {root}/dev"]
        for target, (source, read_only) in self.mounts.items():
            (self.rootfs / target.lstrip("/")).mkdir(parents=True, exist_ok=True)  # as the runtime does
            script.append(f"mount --bind {shlex.quote(str(source))} {root}{shlex.quote(target)}")
            if read_only:
                script.append(f"mount -o remount,bind,ro {root}{shlex.quote(target)}")
        environment = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
        chroot = shutil.which("chroot") or "/usr/sbin/chroot"
        script.append(f"exec env -i {environment} {chroot} --userspec={UID}:{UID} {root} "
                      + " ".join(shlex.quote(a) for a in command))
        return ["unshare", "--mount", "--propagation", "private", "--fork", "sh", "-c", "\n".join(script)]

    def run(self, command: list[str], env: Mapping[str, str], *, timeout: float = 180) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv(command, env), capture_output=True, text=True, timeout=timeout)

    def start(self, name: str, command: list[str], env: Mapping[str, str]) -> subprocess.Popen:
        log = open(self.scratch / f"{name}.log", "w")  # noqa: SIM115 - closed with the process at teardown
        process = subprocess.Popen(self.argv(command, env), stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        process.log_path = self.scratch / f"{name}.log"
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture(scope="session")
def image_root() -> Iterator[Path]:
    image = os.environ.get("VAXTRAIL_IMAGE")
    if not image:
        pytest.skip("the image smoke test runs with `make image && make test-image` (VAXTRAIL_IMAGE)")
    layout = Path(image.rsplit(":", 1)[0])
    if not (layout / "index.json").is_file():
        pytest.fail(f"no image at {layout}: run `make image` first")
    if os.geteuid() != 0 or not shutil.which("umoci") or not shutil.which("unshare"):
        pytest.fail("the image smoke test needs root, umoci and unshare (see deploy/image/README.md)")
    work = Path(tempfile.mkdtemp(prefix="vaxtrail-image-test-"))
    try:
        subprocess.run(["umoci", "unpack", "--image", image, str(work / "bundle")], check=True,
                       capture_output=True, text=True)
        yield work / "bundle" / "rootfs"
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def runner(image_root: Path) -> Iterator[ImageRunner]:
    scratch = Path(tempfile.mkdtemp(prefix="vaxtrail-image-run-"))
    os.chmod(scratch, 0o755)
    image_runner = ImageRunner(image_root, scratch)
    try:
        yield image_runner
    finally:
        image_runner.stop_all()
        shutil.rmtree(scratch, ignore_errors=True)
