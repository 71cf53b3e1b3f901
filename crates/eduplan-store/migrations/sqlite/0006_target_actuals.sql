-- 0006: actual values of plan targets entered by hand (counts the data cannot give, such as
-- 省级示范园 3所), with what proves them; keyed by plan name and indicator so a new version of the
-- plan keeps them. Every record is kept; the latest per (plan, indicator, year) is in force.
CREATE TABLE target_actuals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_name TEXT NOT NULL,
    indicator TEXT NOT NULL,
    year INTEGER NOT NULL,
    value REAL NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX target_actuals_key ON target_actuals (plan_name, indicator, year);
