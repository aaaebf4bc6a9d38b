# VaxTrail command index: `make help` lists every target. Details: docs/local-stack.md.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PYTHON ?= $(shell command -v python3.11 || command -v python3)
STAMP  := $(VENV)/.vaxtrail-setup.stamp
PYTEST_ARGS ?= --durations=30
WEB    := web/app
WEB_NPM := $(WEB)/node_modules/.vaxtrail-npm.stamp
WEB_APP := $(WEB)/dist/index.html
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/static $(WEB)/scripts -type f -not -path '*/contract/*' 2>/dev/null) \
               $(WEB)/tsconfig.json $(wildcard services/*/openapi.json)

.DEFAULT_GOAL := help
.PHONY: help setup up down status demo test test-unit test-integration fuzz bench faults soak proto lint web \
        tools k8s k8s-schemas image test-image lock asyncapi proto-release

# Kubernetes and protobuf tooling (`make tools`): pinned, from the Go module proxy, into .tools/bin (ignored by git).
TOOLS              := .tools/bin
KUSTOMIZE_VERSION  := v5.8.1
KUBECONFORM_VERSION := v0.7.0
KUBE_SCORE_VERSION := v1.20.0
BUF_VERSION        := v1.75.0
TOOL_STAMP := $(TOOLS)/.versions-$(KUSTOMIZE_VERSION)-$(KUBECONFORM_VERSION)-$(KUBE_SCORE_VERSION)-$(BUF_VERSION)
# The official AsyncAPI parser (tools/asyncapi/package-lock.json) that `make lint` validates schemas/asyncapi.json with.
ASYNCAPI_TOOL := tools/asyncapi
ASYNCAPI_NPM  := $(ASYNCAPI_TOOL)/node_modules/.vaxtrail-npm.stamp
# The protobuf schemas of the last release (a buf image): `buf breaking` in `make lint` compares against it.
PROTO_RELEASE := schemas/release/image.json
IMAGE_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[1m%-17s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,local]'
	@touch $@

$(WEB_NPM): $(WEB)/package.json $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund
	@touch $@

$(WEB_APP): $(WEB_NPM) $(WEB_SOURCES)
	cd $(WEB) && npm run --silent build

# The HL7 FHIR validator (tools/fhir-validator/pom.xml, Maven Central): tests/integration/test_fhir_api.py runs it.
FHIR_VALIDATOR := tools/fhir-validator/classpath.txt

$(FHIR_VALIDATOR): tools/fhir-validator/pom.xml
	cd tools/fhir-validator && mvn -B -q dependency:build-classpath -Dmdep.outputFile=classpath.txt

$(ASYNCAPI_NPM): $(ASYNCAPI_TOOL)/package.json $(ASYNCAPI_TOOL)/package-lock.json
	cd $(ASYNCAPI_TOOL) && npm ci --no-audit --no-fund
	@touch $@

setup: $(STAMP) $(WEB_APP) $(ASYNCAPI_NPM) $(FHIR_VALIDATOR) ## create .venv (Python 3.11), install the project + dev tools, resolve the Kafka jars, build the web app, install the AsyncAPI parser and the HL7 FHIR validator (idempotent)
	$(PY) -m vaxtrail_cli.main setup-jars

web: $(WEB_APP) ## build the web app (npm ci from package-lock.json, esbuild into web/app/dist, served by the gateway)

up: setup ## start everything locally: PostgreSQL, Kafka, databases, topics, migrations, every service, the web app on :8080
	$(VENV)/bin/vaxtrail up

down: ## stop every service process, Kafka and PostgreSQL (data is kept in .vaxtrail/)
	$(VENV)/bin/vaxtrail down

status: ## show infrastructure and service processes (exit 1 if something expected is down)
	$(VENV)/bin/vaxtrail status

demo: up ## bring the stack up, run a small complete campaign through the APIs, print one dose's audit trail and verify its inclusion proof (writes .vaxtrail/demo/summary.json)
	$(VENV)/bin/vaxtrail demo

test: setup ## run the whole test suite (unit + integration + browser; starts its own PostgreSQL and Kafka)
	$(PY) -m pytest $(PYTEST_ARGS)

test-unit: setup ## run the unit tests only (no servers)
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

test-integration: setup ## run the integration tests only (throwaway PostgreSQL + Kafka, or DATABASE_URL / KAFKA_BOOTSTRAP)
	$(PY) -m pytest tests/integration $(PYTEST_ARGS)

FUZZ_EXAMPLES ?= 100
fuzz: setup ## fuzz every service's API from its OpenAPI document with every role's token, FUZZ_EXAMPLES per operation and role (default 100, ~25 min; the suite runs 4); then no DLQ of ours, every read model = a rebuild
	VAXTRAIL_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/integration/test_api_fuzz.py $(PYTEST_ARGS)

bench: setup ## run the benchmarks (writes bench/results/)
	$(VENV)/bin/vaxtrail bench

faults: setup ## the fault suite: kill every worker and web, the broker and the database during a campaign day on a private stack; prove nothing lost or doubled (writes bench/results/faults-<run>.json)
	$(PY) -m vaxtrail_cli.faults

SOAK_MINUTES ?= 30
soak: setup ## the soak: SOAK_MINUTES (default 30) of campaign load at half the rate the load generator reaches, on a private stack; every process's memory and every lag sampled, fails if they grow past the bounds (writes bench/results/soak-<run>.{json,md})
	$(PY) -m vaxtrail_cli.soak --minutes $(SOAK_MINUTES) $(SOAK_ARGS)

proto: setup ## regenerate the protobuf code from schemas/ into schemas/gen/
	$(PY) schemas/generate.py

asyncapi: setup ## regenerate schemas/asyncapi.json (every topic, from the .proto files, the topic registry and the wiring)
	$(VENV)/bin/vaxtrail asyncapi --write

proto-release: setup tools ## at a release: record the current schemas as the baseline `buf breaking` checks against (schemas/release/)
	$(TOOLS)/buf build --exclude-source-info -o '-#format=json' | $(PY) -m json.tool --indent 1 > $(PROTO_RELEASE)
	echo $(IMAGE_VERSION) > schemas/release/VERSION

lint: setup tools ## ruff, the domain purity check, the web app's type check against the services' OpenAPI documents, deploy/k8s (kustomize build, kubeconform -strict, kube-score), schemas/asyncapi.json (the AsyncAPI parser), buf lint and buf breaking against the last release
	$(VENV)/bin/ruff check .
	$(PY) tools/check_domain_purity.py
	cd $(WEB) && npm run --silent typecheck
	$(PY) tools/k8s_lint.py
	node $(ASYNCAPI_TOOL)/validate.mjs schemas/asyncapi.json
	$(TOOLS)/buf lint
	$(TOOLS)/buf breaking --against $(PROTO_RELEASE)

$(TOOL_STAMP):
	mkdir -p $(TOOLS)
	GOBIN=$(abspath $(TOOLS)) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)
	GOBIN=$(abspath $(TOOLS)) go install github.com/yannh/kubeconform/cmd/kubeconform@$(KUBECONFORM_VERSION)
	GOBIN=$(abspath $(TOOLS)) go install github.com/zegl/kube-score/cmd/kube-score@$(KUBE_SCORE_VERSION)
	GOBIN=$(abspath $(TOOLS)) go install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION)
	@rm -f $(TOOLS)/.versions-* && touch $@

tools: $(TOOL_STAMP) ## install kustomize, kubeconform, kube-score and buf (pinned) into .tools/bin (Go module proxy)

k8s: setup ## regenerate deploy/k8s's generated manifests from the code (topics, services, projections, metrics)
	$(PY) -m tools.k8s_manifests

k8s-schemas: setup ## refresh deploy/k8s/schemas from the pinned Kubernetes / Strimzi / CNPG / KEDA / Prometheus operator sources (network)
	$(PY) tools/k8s_schemas.py

image: setup ## build the one OCI image without a daemon: build/image/oci + build/image/vaxtrail-oci.tar (root; ~3 min)
	deploy/image/build.sh build/image

test-image: setup ## smoke-test every role of the built image (after `make image`; root; ~2 min)
	VAXTRAIL_IMAGE=build/image/oci:$(IMAGE_VERSION) $(PY) -m pytest tests/image $(PYTEST_ARGS)

lock: ## re-resolve deploy/image/requirements.lock (the image's hash-pinned runtime dependencies) with uv
	python3 -m venv .tools/venv && .tools/venv/bin/pip install --quiet uv==0.13.8
	.tools/venv/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
	  --python-platform x86_64-manylinux_2_36 --only-binary :all: --custom-compile-command "make lock" \
	  -o deploy/image/requirements.lock
