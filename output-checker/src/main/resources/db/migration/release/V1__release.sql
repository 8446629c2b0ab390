-- Release requests ("airlock"), issue #6. See docs/reference/release-states.md.
-- File contents are snapshotted into the database (bytea) when a file is added, so a later change
-- in the workspace's outputs/ never changes what is reviewed or released.

CREATE TABLE requests (
    id            text PRIMARY KEY,
    workspace_id  text NOT NULL,
    permit_id     text NOT NULL,
    author_id     text NOT NULL,
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    state         text NOT NULL CHECK (state IN ('DRAFT', 'SUBMITTED', 'IN_REVIEW', 'RETURNED', 'RELEASED', 'REJECTED', 'WITHDRAWN')),
    sdc_profile   text NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    submitted_at  timestamptz,
    decided_at    timestamptz
);
CREATE INDEX requests_state ON requests (state);
CREATE INDEX requests_author ON requests (author_id);

CREATE TABLE files (
    id                text PRIMARY KEY,
    request_id        text NOT NULL REFERENCES requests (id),
    relative_path     text NOT NULL,
    description       text NOT NULL,
    kind              text NOT NULL CHECK (kind IN ('MICRODATA_TABLE', 'AGGREGATE_TABLE', 'FREE_FORM')),
    table_spec        text,
    sha256            text NOT NULL,
    size_bytes        bigint NOT NULL,
    content           bytea NOT NULL,
    released_content  bytea NOT NULL,
    released_sha256   text NOT NULL,
    sdc_status        text NOT NULL CHECK (sdc_status IN ('PASS', 'REVIEW', 'FAIL')),
    sdc_report        text NOT NULL,
    justification     text,
    added_at          timestamptz NOT NULL,
    UNIQUE (request_id, relative_path)
);

CREATE TABLE reviews (
    file_id      text NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    reviewer_id  text NOT NULL,
    request_id   text NOT NULL REFERENCES requests (id),
    decision     text NOT NULL CHECK (decision IN ('APPROVE', 'REQUEST_CHANGES', 'REJECT')),
    decided_at   timestamptz NOT NULL,
    PRIMARY KEY (file_id, reviewer_id)
);

CREATE TABLE comments (
    id          bigserial PRIMARY KEY,
    request_id  text NOT NULL REFERENCES requests (id),
    file_id     text NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    author_id   text NOT NULL,
    visibility  text NOT NULL CHECK (visibility IN ('RESEARCHER', 'CHECKERS')),
    body        text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX comments_request ON comments (request_id);

-- A request in a final state never changes again, whatever the application does.
CREATE FUNCTION refuse_change_when_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state IN ('RELEASED', 'REJECTED', 'WITHDRAWN') THEN
        RAISE EXCEPTION 'release request % is % and final', OLD.id, OLD.state USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER requests_final BEFORE UPDATE ON requests FOR EACH ROW EXECUTE FUNCTION refuse_change_when_final();

GRANT SELECT, INSERT, UPDATE ON requests TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON files, reviews TO ${app_role};
GRANT SELECT, INSERT, DELETE ON comments TO ${app_role};
GRANT USAGE ON SEQUENCE comments_id_seq TO ${app_role};
