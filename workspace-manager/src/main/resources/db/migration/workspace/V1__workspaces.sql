-- workspace-manager: workspaces and their deletion certificates.
CREATE TABLE workspaces (
    id                text PRIMARY KEY,
    permit_id         text NOT NULL,
    permit_version    integer NOT NULL,
    owner_id          text NOT NULL,
    name              text NOT NULL,
    state             text NOT NULL,
    failure           text,
    created_at        timestamptz NOT NULL,
    state_changed_at  timestamptz NOT NULL,
    last_activity_at  timestamptz NOT NULL
);
CREATE INDEX workspaces_permit ON workspaces(permit_id);
CREATE INDEX workspaces_state ON workspaces(state);

CREATE TABLE deletion_certificates (
    workspace_id  text PRIMARY KEY REFERENCES workspaces(id),
    issued_at     timestamptz NOT NULL,
    document      jsonb NOT NULL,
    signature     text NOT NULL
);

CREATE SEQUENCE workspace_numbers START 1;

GRANT SELECT, INSERT, UPDATE ON workspaces TO ${app_role};
GRANT SELECT, INSERT ON deletion_certificates TO ${app_role};
GRANT USAGE ON SEQUENCE workspace_numbers TO ${app_role};
