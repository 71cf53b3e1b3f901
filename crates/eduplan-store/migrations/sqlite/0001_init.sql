-- 0001: the interchange sheets, versioned by school year; users, sessions, audit.
-- Generated once from eduplan-core's schema; applied migrations are never edited.
-- Booleans are stored as 0/1 integers on both backends (one decoding path through sqlx::Any).

CREATE TABLE data_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    source TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (year, version)
);

CREATE TABLE "regions" (
    version_id INTEGER NOT NULL REFERENCES data_versions(id),
    "code" TEXT,
    "name" TEXT,
    "parent" TEXT,
    "urban_rural" TEXT
);
CREATE INDEX "regions_version" ON "regions" (version_id);

CREATE TABLE "schools" (
    version_id INTEGER NOT NULL REFERENCES data_versions(id),
    "school_id" TEXT,
    "name" TEXT,
    "type" TEXT,
    "ownership" TEXT,
    "puhui" INTEGER,
    "region" TEXT,
    "urban_rural" TEXT,
    "lon" REAL,
    "lat" REAL,
    "design_places" INTEGER,
    "opened" INTEGER,
    "closed" INTEGER
);
CREATE INDEX "schools_version_school_id" ON "schools" (version_id, "school_id");

CREATE TABLE "students" (
    version_id INTEGER NOT NULL REFERENCES data_versions(id),
    "year" INTEGER,
    "school_id" TEXT,
    "grade" TEXT,
    "enrolled" INTEGER,
    "female" INTEGER,
    "entrants" INTEGER,
    "graduates" INTEGER,
    "migrant" INTEGER,
    "left_behind" INTEGER,
    "disabled" INTEGER,
    "dropouts" INTEGER,
    "by_age" TEXT
);
CREATE INDEX "students_version_school_id" ON "students" (version_id, "school_id");

CREATE TABLE "classes" (
    version_id INTEGER NOT NULL REFERENCES data_versions(id),
    "year" INTEGER,
    "school_id" TEXT,
    "grade" TEXT,
    "class" TEXT,
    "size" INTEGER
);
CREATE INDEX "classes_version_school_id" ON "classes" (version_id, "school_id");

CREATE TABLE "staff" (
    version_id INTEGER NOT NULL REFERENCES data_versions(id),
    "year" INTEGER,
    "school_id" TEXT,
    "staff_id" TEXT,
    "role" TEXT,
    "level" TEXT,
    "birth_year" INTEGER,
    "sex" TEXT,
    "degree" TEXT,
    "title" TEXT,
    "backbone" TEXT,
    "subject" TEXT,
    "certified" INTEGER,
    "since" INTEGER,
    "rotated" INTEGER,
    "established" INTEGER,
    "dual" INTEGER,
    "specialty" INTEGER,
    "training_hours" INTEGER
);
CREATE INDEX "staff_version_school_id" ON "staff" (version_id, "school_id");

CREATE TABLE "conditions" (
    version_id INTEGER NOT NULL REFERENCES data_versions(id),
    "year" INTEGER,
    "school_id" TEXT,
    "area_teaching" REAL,
    "area_sport" REAL,
    "area_buildings" REAL,
    "equipment_value" REAL,
    "mm_rooms" INTEGER,
    "computers" INTEGER,
    "books" INTEGER,
    "public_funds" REAL,
    "smart_campus" INTEGER
);
CREATE INDEX "conditions_version_school_id" ON "conditions" (version_id, "school_id");

CREATE TABLE "population" (
    version_id INTEGER NOT NULL REFERENCES data_versions(id),
    "region" TEXT,
    "year" INTEGER,
    "age" INTEGER,
    "count" INTEGER,
    "births" INTEGER
);
CREATE INDEX "population_version_region" ON "population" (version_id, "region");

CREATE TABLE "attainment" (
    version_id INTEGER NOT NULL REFERENCES data_versions(id),
    "region" TEXT,
    "year" INTEGER,
    "age_from" INTEGER,
    "age_to" INTEGER,
    "level" TEXT,
    "count" INTEGER
);
CREATE INDEX "attainment_version_region" ON "attainment" (version_id, "region");

CREATE TABLE "disabled_children" (
    version_id INTEGER NOT NULL REFERENCES data_versions(id),
    "region" TEXT,
    "year" INTEGER,
    "category" TEXT,
    "eligible" INTEGER,
    "in_school" INTEGER,
    "home_taught" INTEGER
);
CREATE INDEX "disabled_children_version_region" ON "disabled_children" (version_id, "region");

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- Every write: who, when, what. Never updated or deleted.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    detail TEXT NOT NULL
);
