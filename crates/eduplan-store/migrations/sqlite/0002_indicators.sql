-- 0002: region boundaries (GeoJSON, for the township map), repeaters (留级, for UIS flow rates),
-- and user-defined indicators (自定义指标).
ALTER TABLE "regions" ADD COLUMN "boundary" TEXT;
ALTER TABLE "students" ADD COLUMN "repeaters" INTEGER;

CREATE TABLE custom_indicators (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    unit TEXT NOT NULL,
    scale REAL NOT NULL,
    numerator TEXT NOT NULL,
    denominator TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
