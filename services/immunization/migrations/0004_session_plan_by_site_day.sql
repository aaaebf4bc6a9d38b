-- allocation: a site's sessions of a day (GET /v1/sites/{site_id}/sessions?date=).
CREATE INDEX IF NOT EXISTS ref_session_plan_site_day ON ref_session_plan (site_id, session_date, starts_at);
