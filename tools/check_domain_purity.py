#!/usr/bin/env python3
"""Fail when a service's domain code imports infrastructure.

Scans ``services/*/domain.py`` and ``services/*/domain/**/*.py`` (AST only; nothing is imported or run)
and reports every import of a forbidden module: web, database, messaging, wire-format, metrics, HTTP
and token libraries belong in adapters, never in the pure decide/evolve code. Catches ``import x``,
``from x import y``, ``from google import protobuf`` and ``importlib.import_module("x")`` /
``__import__("x")`` with a literal name.

Usage: ``python tools/check_domain_purity.py [REPO_ROOT]`` (default: this script's repository).
Exit status 0 when clean, 1 when violations were found.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

FORBIDDEN: tuple[str, ...] = (
    "flask",
    "psycopg",
    "psycopg_pool",
    "kafka",
    "google.protobuf",
    "vaxtrail",
    "gunicorn",
    "prometheus_client",
    "requests",
    "jwt",
)
"""Module prefixes domain code must not import (``vaxtrail`` is the generated protobuf package)."""


@dataclass(frozen=True)
class Violation:
    path: Path
    line: int
    module: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: imports {self.module} (forbidden in domain code: {self.rule})"


def forbidden_rule(module: str) -> str | None:
    """The forbidden prefix ``module`` falls under (``kafka.errors`` -> ``kafka``), or None."""
    for rule in FORBIDDEN:
        if module == rule or module.startswith(rule + "."):
            return rule
    return None


def _imported_modules(tree: ast.AST) -> Iterable[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative imports stay inside the service
                continue
            base = node.module or ""
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if name in {"import_module", "__import__"} and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str):
                yield node.lineno, first.value


def check_file(path: Path) -> list[Violation]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: dict[tuple[int, str], Violation] = {}
    for line, module in _imported_modules(tree):
        rule = forbidden_rule(module)
        if rule is not None and (line, rule) not in found:
            found[(line, rule)] = Violation(path, line, module, rule)
    return sorted(found.values(), key=lambda v: (v.line, v.module))


def domain_files(root: Path) -> list[Path]:
    services = root / "services"
    files = set(services.glob("*/domain.py"))
    files.update(services.glob("*/domain/**/*.py"))
    return sorted(p for p in files if p.is_file())


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    root = Path(args[0]) if args else Path(__file__).resolve().parents[1]
    files = domain_files(root)
    violations = [v for path in files for v in check_file(path)]
    for violation in violations:
        print(violation)
    if violations:
        print(f"domain purity: {len(violations)} forbidden import(s) in {len(files)} domain file(s)")
        return 1
    print(f"domain purity: {len(files)} domain file(s) clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
