-- 0005: plans (规划) with their targets, projects (重点工程) and project funds (资金).
-- Importing a plan of the same name again creates a new version; earlier versions stay readable.
CREATE TABLE plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    issuer TEXT NOT NULL,
    region TEXT NOT NULL,
    period_start INTEGER,
    period_end INTEGER,
    doc_name TEXT NOT NULL,
    doc BLOB,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (name, version)
);

CREATE TABLE plan_targets (
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    row_no INTEGER NOT NULL,
    indicator TEXT NOT NULL,
    scope TEXT NOT NULL,
    base_year INTEGER,
    base_value REAL,
    target_year INTEGER NOT NULL,
    target_value REAL NOT NULL,
    cmp TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX plan_targets_plan ON plan_targets (plan_id);

CREATE TABLE plan_projects (
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    row_no INTEGER NOT NULL,
    project TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    school_id TEXT NOT NULL,
    new_places INTEGER NOT NULL,
    investment REAL NOT NULL,
    start_year INTEGER NOT NULL,
    end_year INTEGER NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX plan_projects_plan ON plan_projects (plan_id);

CREATE TABLE plan_funds (
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    row_no INTEGER NOT NULL,
    project TEXT NOT NULL,
    date TEXT NOT NULL,
    released REAL NOT NULL,
    spent REAL NOT NULL
);
CREATE INDEX plan_funds_plan ON plan_funds (plan_id);
