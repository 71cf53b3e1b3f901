-- 0007: the review of a draft plan's extracted targets: '' (not yet), accepted, edited, rejected.
ALTER TABLE plan_targets ADD COLUMN review TEXT NOT NULL DEFAULT '';
