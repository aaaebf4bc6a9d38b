"""`buf breaking` (run by `make lint` against schemas/release/image.json, the last release) catches a change
that breaks partners or stored events, and lets an added field through.

Each case copies the module (buf.yaml and schemas/vaxtrail) to a temporary folder, edits one .proto there
and runs the pinned buf (`make tools` puts it in .tools/bin) against the committed release image.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / "schemas" / "release" / "image.json"
EVENTS = Path("schemas/vaxtrail/inventory/v1/events.proto")
VIALS = "  int32 vials = 4;\n"


def _buf() -> str:
    found = ROOT / ".tools" / "bin" / "buf"
    if found.is_file():
        return str(found)
    if shutil.which("buf"):
        return shutil.which("buf")
    pytest.skip("buf is not installed (make tools)")


def _dose_received(text: str) -> tuple[int, int]:
    """Where message DoseReceived's body is in ``text``."""
    start = text.index("message DoseReceived {")
    return start, text.index("\n}\n", start)


def _edited(tmp_path: Path, edit) -> Path:
    shutil.copy(ROOT / "buf.yaml", tmp_path / "buf.yaml")
    shutil.copytree(ROOT / "schemas" / "vaxtrail", tmp_path / "schemas" / "vaxtrail")
    path = tmp_path / EVENTS
    text = path.read_text()
    start, end = _dose_received(text)
    assert VIALS in text[start:end], "the fixture expects DoseReceived.vials = 4"
    path.write_text(text[:start] + edit(text[start:end]) + text[end:])
    return tmp_path


def _breaking(module: Path) -> subprocess.CompletedProcess:
    return subprocess.run([_buf(), "breaking", "--against", str(RELEASE), "--error-format=json"], cwd=module,
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_current_schemas_do_not_break_the_last_release():
    result = _breaking(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("change", "edit", "rule"), [
    ("a deleted field", lambda body: body.replace(VIALS, ""), "FIELD_NO_DELETE"),
    ("a renamed field", lambda body: body.replace(VIALS, "  int32 vial_count = 4;\n"), "FIELD_SAME_NAME"),
    ("a retyped field", lambda body: body.replace(VIALS, "  int64 vials = 4;\n"), "FIELD_SAME_TYPE"),
    ("a renumbered field", lambda body: body.replace(VIALS, "  int32 vials = 40;\n"), "FIELD_NO_DELETE"),
])
def test_buf_breaking_fails_on(tmp_path, change, edit, rule):
    result = _breaking(_edited(tmp_path, edit))
    assert result.returncode != 0, f"{change} passed buf breaking"
    found = [json.loads(line) for line in result.stdout.splitlines()]
    assert {(f["path"], f["type"]) for f in found} >= {(EVENTS.as_posix(), rule)}, result.stdout + result.stderr
    assert all("DoseReceived" in f["message"] for f in found), found


def test_buf_breaking_lets_an_added_field_through(tmp_path):
    result = _breaking(_edited(tmp_path, lambda body: body + "  string received_by = 99;\n"))
    assert result.returncode == 0, result.stdout + result.stderr
