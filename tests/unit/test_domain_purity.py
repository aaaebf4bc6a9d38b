"""The domain purity checker (tools/check_domain_purity.py) on temporary service trees."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "check_domain_purity.py"


@pytest.fixture(scope="module")
def checker():
    spec = importlib.util.spec_from_file_location("check_domain_purity", TOOL)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


CLEAN = '''"""Pure domain."""
from __future__ import annotations

import dataclasses
from datetime import date

from eventkit.errors import DomainError

from .events import DoseReceived


def decide(state, command):
    return []
'''

OFFENDING = '''"""Domain that reaches for infrastructure."""
import json
import psycopg
import kafka.errors
from flask import request
from google import protobuf
from google.protobuf import timestamp_pb2
from vaxtrail.inventory.v1 import events_pb2
import importlib


def sneaky():
    import jwt
    return importlib.import_module("prometheus_client")
'''


def test_a_clean_domain_tree_passes(checker, tmp_path, capsys):
    write(tmp_path, "services/inventory/domain.py", CLEAN)
    write(tmp_path, "services/allocation/domain/__init__.py", CLEAN)
    write(tmp_path, "services/allocation/domain/rules/quota.py", "import vaxtrail_cli_like_name\n")
    write(tmp_path, "services/allocation/adapters.py", "import psycopg\nimport flask\n")

    assert checker.main([str(tmp_path)]) == 0
    assert "3 domain file(s) clean" in capsys.readouterr().out


def test_every_forbidden_import_is_reported_with_its_line(checker, tmp_path, capsys):
    bad = write(tmp_path, "services/inventory/domain/stock.py", OFFENDING)
    write(tmp_path, "services/inventory/domain.py", CLEAN)

    violations = checker.check_file(bad)
    assert {(v.line, v.rule) for v in violations} == {
        (3, "psycopg"), (4, "kafka"), (5, "flask"), (6, "google.protobuf"), (7, "google.protobuf"),
        (8, "vaxtrail"), (13, "jwt"), (14, "prometheus_client"),
    }
    assert checker.main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:3: imports psycopg" in out
    assert "8 forbidden import(s) in 2 domain file(s)" in out


def test_prefixes_match_whole_module_names_only(checker):
    assert checker.forbidden_rule("kafka") == "kafka"
    assert checker.forbidden_rule("psycopg_pool.pool") == "psycopg_pool"
    assert checker.forbidden_rule("vaxtrail.registration.v1.events_pb2") == "vaxtrail"
    assert checker.forbidden_rule("vaxtrail_cli") is None
    assert checker.forbidden_rule("requests_toolbelt") is None
    assert checker.forbidden_rule("google.cloud") is None
    assert checker.forbidden_rule("eventkit.envelope") is None
