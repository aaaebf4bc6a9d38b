"""The immunization worker's own components beyond the relay and the projections (the FHIR exporter)."""
