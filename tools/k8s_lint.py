"""`make lint`'s Kubernetes part: every overlay renders, validates strictly and passes the policy linter.

1. the generated manifests are what `make k8s` would write (``tools.k8s_manifests --check``);
2. ``kustomize build`` of every overlay (and of each overlay's ``ops`` templates);
3. ``kubeconform -strict`` against the schemas committed in deploy/k8s/schemas (Kubernetes and the CRDs of
   Strimzi, CloudNativePG, KEDA and the Prometheus operator): offline, unknown fields are errors;
4. ``kube-score`` with the exceptions (and their reasons) of deploy/k8s/kube-score.yaml.

The tools come from `make tools` (.tools/bin, versions pinned in the Makefile). Prints one summary line
per overlay; exit 1 on the first failure.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
BIN = ROOT / ".tools" / "bin"
OVERLAYS = ("dev", "production", "dev/ops", "production/ops")
SCHEMAS = K8S / "schemas"
KUBERNETES_SCHEMAS = SCHEMAS / "kubernetes" / "v1.34.0-local-strict"


def run(argv: list[str], stdin: str | None = None) -> str:
    done = subprocess.run(argv, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stdout.write("".join(line for line in done.stdout.splitlines(keepends=True)
                                 if not line.startswith(("[OK]", "[SKIPPED]"))))
        sys.stderr.write(done.stderr)
        raise SystemExit(f"k8s lint: {' '.join(Path(a).name if i == 0 else a for i, a in enumerate(argv))} failed")
    return done.stdout


def kinds(rendered: str) -> str:
    counts: dict[str, int] = {}
    for doc in yaml.safe_load_all(rendered):
        if doc:
            counts[doc["kind"]] = counts.get(doc["kind"], 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))


def main() -> int:
    for tool in ("kustomize", "kubeconform", "kube-score"):
        if not (BIN / tool).exists():
            raise SystemExit(f"k8s lint: {BIN / tool} is missing: run `make tools`")
    run([sys.executable, "-m", "tools.k8s_manifests", "--check"])
    ignored = [entry["test"] for entry in yaml.safe_load((K8S / "kube-score.yaml").read_text())["ignore"]]
    built: dict[str, str] = {}
    for overlay in OVERLAYS:
        rendered = built[overlay] = run([str(BIN / "kustomize"), "build", str(K8S / "overlays" / overlay)])
        summary = run([str(BIN / "kubeconform"), "-strict", "-summary",
                       "-schema-location", f"{KUBERNETES_SCHEMAS}/{{{{.ResourceKind}}}}{{{{.KindSuffix}}}}.json",
                       "-schema-location", f"{SCHEMAS}/crds/{{{{.Group}}}}/{{{{.ResourceKind}}}}_{{{{.ResourceAPIVersion}}}}.json",
                       "-"], stdin=rendered)
        score = [arg for test in ignored for arg in ("--ignore-test", test)]
        # The ops templates run in the overlay's namespace, next to its NetworkPolicies: score them together.
        context = built.get(overlay.removesuffix("/ops"), "") if overlay.endswith("/ops") else ""
        run([str(BIN / "kube-score"), "score", "--output-format", "ci", *score, "-"],
            stdin=rendered + ("---\n" + context if context else ""))
        print(f"k8s {overlay}: {summary.strip().split(' - ', 1)[-1]}; kube-score clean; {kinds(rendered)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
