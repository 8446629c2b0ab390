-- Tables made by the platform's table function (issue #6): a file of a release request may be a
-- PLATFORM_TABLE, checked from evidence kept inside the platform (<data-dir>/table-evidence/);
-- evidence_id names that evidence, so a later table of the same permit can be compared with the
-- released ones (differencing).
ALTER TABLE files DROP CONSTRAINT files_kind_check;
ALTER TABLE files ADD CONSTRAINT files_kind_check CHECK (kind IN ('MICRODATA_TABLE', 'AGGREGATE_TABLE', 'FREE_FORM', 'PLATFORM_TABLE'));
ALTER TABLE files ADD COLUMN evidence_id text;
CREATE INDEX files_evidence ON files (evidence_id) WHERE evidence_id IS NOT NULL;
