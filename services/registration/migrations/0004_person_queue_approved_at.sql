-- projection people: when a registration was approved (RegistrationApproved.decided_at), for the public
-- figures (people approved per province and campaign day). Rows projected before this column existed keep
-- NULL until `vaxtrail rebuild registration people`.
ALTER TABLE person_queue ADD COLUMN IF NOT EXISTS approved_at timestamptz;
