-- Organizations, accounts, roles, sessions, tokens and the failed-attempt log.
-- Timestamps are Unix milliseconds.

CREATE TABLE organizations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL,
    partner_id      TEXT    UNIQUE,
    csp             BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT  NOT NULL
);

CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT    NOT NULL UNIQUE,
    display_name    TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('work', 'personal')),
    password_hash   TEXT    NOT NULL,
    language        TEXT    CHECK (language IN ('en', 'it')),
    organization_id BIGINT  REFERENCES organizations (id),
    created_at      BIGINT  NOT NULL
);
CREATE INDEX accounts_organization ON accounts (organization_id);

CREATE TABLE account_roles (
    account_id      BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role            TEXT    NOT NULL CHECK (role IN ('global_admin', 'partner_admin', 'admin_agent', 'member', 'operator')),
    PRIMARY KEY (account_id, role)
);

CREATE TABLE sessions (
    token_digest    TEXT    PRIMARY KEY,
    account_id      BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token      TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    expires_at      BIGINT  NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id      BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    token_digest    TEXT    NOT NULL UNIQUE,
    created_at      BIGINT  NOT NULL,
    last_used_at    BIGINT,
    revoked_at      BIGINT
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

CREATE TABLE failed_attempts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    scope           TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    at              BIGINT  NOT NULL
);
CREATE INDEX failed_attempts_lookup ON failed_attempts (scope, subject, at);
