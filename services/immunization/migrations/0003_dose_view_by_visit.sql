-- immunization: find a visit's dose when the check-in is projected after the dose (another Kafka key).
CREATE INDEX IF NOT EXISTS dose_view_visit ON dose_view (visit_id) WHERE visit_id <> '';
