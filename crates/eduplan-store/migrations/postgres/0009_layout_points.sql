-- 0009: the user's points for the school-network planner (布局规划), per county: candidate sites
-- for new schools (kind 'site', 候选校址) and villages or communities (kind 'village', 村庄/社区).
-- Every save and delete is in the audit log with the point's JSON.
CREATE TABLE layout_points (
    county TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    stage TEXT,
    capacity DOUBLE PRECISION,
    cost DOUBLE PRECISION,
    weight DOUBLE PRECISION,
    note TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (county, kind, id)
);
