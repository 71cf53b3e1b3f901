-- 0003: supervision findings (督导问题) and their rectification (整改): the finding, every event
-- of its history (transitions, comments, escalations, links to later assessments), evidence files.
CREATE TABLE findings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_key TEXT NOT NULL,
    method TEXT NOT NULL,
    year INTEGER NOT NULL,
    code TEXT NOT NULL,
    level TEXT NOT NULL,
    school_id TEXT NOT NULL,
    region TEXT NOT NULL,
    problem TEXT NOT NULL,
    requirement TEXT NOT NULL,
    severity TEXT NOT NULL,
    responsible TEXT NOT NULL,
    deadline TEXT NOT NULL,
    state TEXT NOT NULL,
    escalation TEXT NOT NULL DEFAULT '',
    check_year INTEGER,
    check_gone INTEGER,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX findings_state ON findings (state);
CREATE INDEX findings_key ON findings (source_key);

CREATE TABLE finding_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX finding_events_finding ON finding_events (finding_id);

CREATE TABLE finding_attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX finding_attachments_finding ON finding_attachments (finding_id);
