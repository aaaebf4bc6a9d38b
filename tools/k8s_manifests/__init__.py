"""Render the generated part of deploy/k8s from the code, so the manifests cannot drift from it.

    python -m tools.k8s_manifests            # write (make k8s)
    python -m tools.k8s_manifests --check    # exit 1 if a committed file differs (tests run this)

What is derived from where:

- the services (``eventkit.settings.SERVICES``), their projections, consumer groups and consumed topics
  (each service's ``bootstrap.WIRING``): web and worker Deployments, KEDA triggers (one per consumer
  group, replicas capped at the partitions of the topics the worker reads), KafkaUser ACLs;
- the topics with their national partition counts and retention (``eventkit.topics.all_topics``):
  Strimzi ``KafkaTopic`` resources;
- the public route prefixes (``services/<name>/openapi.json``): the Ingress paths (``/metrics``,
  ``/healthz`` and ``/readyz`` are never exposed);
- the metrics (``eventkit.metrics``): alert rules and the Grafana dashboard.

Hand-written: the kustomizations, the Kafka cluster and node pools, the overlays' patches. Modules:
``facts`` (what the code says), ``workloads`` (pods), ``platform`` (Strimzi, CloudNativePG, jobs),
``monitoring``, ``files`` (which file holds what).
"""
