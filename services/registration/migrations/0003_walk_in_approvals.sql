-- Walk-ins (issue 17): the standing delegation a registration was approved under (RegistrationApproved
-- delegation_rule; '' = the province's own officer), so the province's queue counts walk-in approvals apart.
ALTER TABLE person_queue ADD COLUMN IF NOT EXISTS approval_rule text NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS person_queue_delegated ON person_queue (province_code) WHERE approval_rule <> '';
