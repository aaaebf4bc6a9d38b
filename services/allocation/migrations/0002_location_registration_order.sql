-- When each location was first registered (business time): when a province has several active stores (a
-- store moved), the newest is the province's store for plans and allocation lines alike.
ALTER TABLE supply_locations ADD COLUMN IF NOT EXISTS registered_at timestamptz;
