-- The tamper-evident audit log. Events are append-only: the application role may INSERT and
-- SELECT but never UPDATE or DELETE them, and a trigger refuses changes from anyone except the
-- retention purge function (which keeps each purged event's leaf hash).

CREATE TABLE event (
    seq            bigint      PRIMARY KEY,
    event_time     timestamptz NOT NULL,
    user_id        text        NOT NULL,
    role           text        NOT NULL,
    session_id     text        NOT NULL,
    source_address text        NOT NULL,
    action         text        NOT NULL,
    object_type    text        NOT NULL,
    object_id      text        NOT NULL,
    permit_id      text,
    workspace_id   text,
    dataset_id     text,
    outcome        text        NOT NULL,
    reason         text,
    details        text        NOT NULL,
    leaf_hash      bytea       NOT NULL
);

-- "Who looked at what, when, under which permit": the actor, permit, workspace and dataset filters
-- each have an index ending in seq, so a filtered page is an index range scan in sequence order;
-- denied and failed events (rare) have a small partial index; time correlates with seq: BRIN.
-- Action has no index of its own: every index costs append throughput, and an action filter is
-- served by the other filters it is combined with (or by a scan in sequence order).
CREATE INDEX event_user_idx ON event (user_id, seq);
CREATE INDEX event_permit_idx ON event (permit_id, seq) WHERE permit_id IS NOT NULL;
CREATE INDEX event_workspace_idx ON event (workspace_id, seq) WHERE workspace_id IS NOT NULL;
CREATE INDEX event_dataset_idx ON event (dataset_id, seq) WHERE dataset_id IS NOT NULL;
CREATE INDEX event_not_success_idx ON event (outcome, seq) WHERE outcome <> 'SUCCESS';
CREATE INDEX event_time_idx ON event USING brin (event_time);

CREATE TABLE tree_head (
    tree_size  bigint      PRIMARY KEY,
    signed_at  timestamptz NOT NULL,
    root_hash  bytea       NOT NULL,
    signature  bytea       NOT NULL
);

-- Leaf hashes of purged events: the tree and every signed head still verify after a purge.
CREATE TABLE purged_leaf (
    seq        bigint PRIMARY KEY,
    leaf_hash  bytea  NOT NULL
);

CREATE TABLE export_record (
    id           bigserial   PRIMARY KEY,
    exported_at  timestamptz NOT NULL,
    tree_size    bigint      NOT NULL,
    root_hash    bytea       NOT NULL,
    file_sha256  text        NOT NULL,
    user_id      text        NOT NULL
);

-- Events written inside callers' transactions, waiting for the sequencer.
CREATE TABLE outbox (
    id             bigserial   PRIMARY KEY,
    created_at     timestamptz NOT NULL,
    user_id        text        NOT NULL,
    role           text        NOT NULL,
    session_id     text        NOT NULL,
    source_address text        NOT NULL,
    action         text        NOT NULL,
    object_type    text        NOT NULL,
    object_id      text        NOT NULL,
    permit_id      text,
    workspace_id   text,
    dataset_id     text,
    outcome        text        NOT NULL,
    reason         text,
    details        text        NOT NULL
);

CREATE TABLE alert (
    id            bigserial   PRIMARY KEY,
    rule          text        NOT NULL,
    subject       text        NOT NULL,
    window_start  timestamptz NOT NULL,
    window_end    timestamptz NOT NULL,
    event_count   bigint      NOT NULL,
    first_seq     bigint      NOT NULL,
    last_seq      bigint      NOT NULL,
    message       text        NOT NULL,
    raised_at     timestamptz NOT NULL,
    UNIQUE (rule, subject, window_start)
);
CREATE INDEX alert_raised_idx ON alert (raised_at);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'event'
            AND OLD.seq <= coalesce(nullif(current_setting('audit.purge_through', true), ''), '0')::bigint THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit.% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER tree_head_append_only BEFORE UPDATE OR DELETE ON tree_head FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER tree_head_no_truncate BEFORE TRUNCATE ON tree_head FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER purged_leaf_append_only BEFORE UPDATE OR DELETE ON purged_leaf FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER export_record_append_only BEFORE UPDATE OR DELETE ON export_record FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- The one way to remove events: a prefix already covered by a recorded export. Runs as the
-- owner (SECURITY DEFINER); the application role may call it but cannot DELETE by itself.
CREATE FUNCTION purge_through(through_seq bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    covered bigint;
    removed bigint;
BEGIN
    SELECT coalesce(max(tree_size), 0) INTO covered FROM audit.export_record;
    IF through_seq > covered THEN
        RAISE EXCEPTION 'events up to % are not covered by an export (exports cover %)', through_seq, covered;
    END IF;
    INSERT INTO audit.purged_leaf (seq, leaf_hash)
        SELECT seq, leaf_hash FROM audit.event WHERE seq <= through_seq ON CONFLICT DO NOTHING;
    PERFORM set_config('audit.purge_through', through_seq::text, true);
    DELETE FROM audit.event WHERE seq <= through_seq;
    GET DIAGNOSTICS removed = ROW_COUNT;
    PERFORM set_config('audit.purge_through', '0', true);
    RETURN removed;
END;
$$;

REVOKE ALL ON FUNCTION purge_through(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge_through(bigint) TO ${app_role};
GRANT SELECT, INSERT ON event, tree_head, purged_leaf, export_record, alert TO ${app_role};
-- UPDATE only so the sequencer may lock rows (SELECT ... FOR UPDATE); the outbox is not the log.
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox TO ${app_role};
GRANT USAGE ON SEQUENCE export_record_id_seq, outbox_id_seq, alert_id_seq TO ${app_role};
