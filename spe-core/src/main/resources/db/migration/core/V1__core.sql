-- spe-core: accounts, sessions, catalog, permits, opt-outs.

CREATE TABLE users (
    id              text PRIMARY KEY,
    display_name    text NOT NULL,
    roles           text[] NOT NULL,
    password_hash   text NOT NULL,
    totp_secret     bytea NOT NULL,          -- AES-GCM encrypted base32 secret
    totp_last_step  bigint NOT NULL DEFAULT 0, -- refuses replay of a used code
    failed_attempts integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL
);

CREATE TABLE sessions (
    token_hash     text PRIMARY KEY,         -- SHA-256 of the cookie value; the token itself is never stored
    session_id     text NOT NULL UNIQUE,     -- public identifier used in audit events
    user_id        text NOT NULL REFERENCES users(id),
    csrf_token     text NOT NULL,
    source_address text NOT NULL,
    created_at     timestamptz NOT NULL,
    last_seen_at   timestamptz NOT NULL,
    ended_at       timestamptz
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE datasets (
    id          text PRIMARY KEY,
    document    jsonb NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE linkage_rules (
    first_source  text NOT NULL,
    second_source text NOT NULL,
    PRIMARY KEY (first_source, second_source)
);

CREATE TABLE permits (
    id          text PRIMARY KEY,
    version     integer NOT NULL,
    state       text NOT NULL,
    document    jsonb NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE permit_researchers (
    permit_id text NOT NULL REFERENCES permits(id),
    user_id   text NOT NULL REFERENCES users(id),
    PRIMARY KEY (permit_id, user_id)
);
CREATE INDEX permit_researchers_user ON permit_researchers(user_id);

CREATE TABLE optouts (
    person_id   text PRIMARY KEY,
    recorded_at timestamptz NOT NULL,
    recorded_by text NOT NULL
);
CREATE INDEX optouts_recorded_at ON optouts(recorded_at);

CREATE SEQUENCE permit_numbers START 1;

GRANT SELECT, INSERT, UPDATE ON users, sessions, datasets, permits TO ${app_role};
GRANT SELECT, INSERT, DELETE ON linkage_rules, permit_researchers TO ${app_role};
GRANT SELECT, INSERT ON optouts TO ${app_role};
GRANT USAGE ON SEQUENCE permit_numbers TO ${app_role};
