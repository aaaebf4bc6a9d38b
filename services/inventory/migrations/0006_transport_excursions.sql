-- Transport excursions not yet assessed, per shipment (projection shipments).
ALTER TABLE shipments ADD COLUMN IF NOT EXISTS open_excursions integer NOT NULL DEFAULT 0;
