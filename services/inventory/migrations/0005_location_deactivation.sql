-- LocationDeactivated in the catalogue read model (projection catalogue).
ALTER TABLE locations ADD COLUMN IF NOT EXISTS active_until date;

-- ConsumptionDiscrepancyDetected.stock_decremented (a blocked or expired lot used: applied and flagged).
ALTER TABLE consumption_discrepancies ADD COLUMN IF NOT EXISTS stock_decremented boolean NOT NULL DEFAULT false;
