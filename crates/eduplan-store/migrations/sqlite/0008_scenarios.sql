-- 0008: projection scenarios (预测情景), saved by name. The parameters are the scenario's JSON as
-- the projection crate reads it (the store does not look inside). Every save and delete is in the
-- audit log with the whole JSON, so an overwritten scenario can be recovered.
CREATE TABLE scenarios (
    name TEXT PRIMARY KEY,
    params TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
