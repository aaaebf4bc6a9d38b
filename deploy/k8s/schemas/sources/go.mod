// Not a program: pins the Go modules whose custom resource definitions deploy/k8s is validated against
// (`make k8s-schemas`, tools/k8s_schemas.py). go.sum holds their hashes.
module vaxtrail.invalid/k8s-schemas

go 1.26

require (
	github.com/cloudnative-pg/cloudnative-pg v1.30.0
	github.com/cloudnative-pg/plugin-barman-cloud v0.15.0
	github.com/kedacore/keda/v2 v2.20.2
	github.com/prometheus-operator/prometheus-operator v0.85.0
)
