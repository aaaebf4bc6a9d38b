-- LocationDeactivated in the catalogue read model (projection catalogue).
ALTER TABLE locations ADD COLUMN IF NOT EXISTS active_until date;
