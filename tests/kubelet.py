"""A container's environment as the kubelet builds it from rendered manifests, for the manifest tests and the
image smoke test: ``envFrom`` ConfigMaps first, then ``env`` (plain values and ``secretKeyRef``s resolved from
the Secrets given; a reference to a missing Secret is left out when optional and an error otherwise)."""

from __future__ import annotations

from collections.abc import Mapping


def kubelet_env(container: dict, config_maps: Mapping[str, Mapping[str, str]],
                secrets: Mapping[tuple[str, str], str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        env.update(config_maps[source["configMapRef"]["name"]])
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = item["value"]
            continue
        ref = item["valueFrom"]["secretKeyRef"]
        if (ref["name"], ref["key"]) in secrets:
            env[item["name"]] = secrets[(ref["name"], ref["key"])]
        elif not ref.get("optional"):
            raise AssertionError(f"{item['name']}: Secret {ref['name']} key {ref['key']} is required")
    return env
