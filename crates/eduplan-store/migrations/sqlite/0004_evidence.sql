-- 0004: results of assessment items checked on site (现场核查), with the evidence file (佐证材料).
-- Every record is kept; the latest per (method, year, scope, code) is the one in force.
CREATE TABLE assessment_evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    method TEXT NOT NULL,
    year INTEGER NOT NULL,
    scope TEXT NOT NULL,
    code TEXT NOT NULL,
    passed INTEGER NOT NULL,
    note TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_mime TEXT NOT NULL,
    file_content BLOB,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX assessment_evidence_key ON assessment_evidence (method, year, scope, code);
