-- A check-in looks up a dose that was applied before it (they arrive on different partitions).
CREATE INDEX IF NOT EXISTS dose_view_visit ON dose_view (visit_id);
