-- Competencies, memberships, benefit activations, support contracts with their ledger,
-- the durable job queue and the notification outbox. Timestamps are Unix milliseconds;
-- calendar dates are inclusive days (ISO text).

CREATE TABLE competencies (
    code            TEXT    PRIMARY KEY,
    name            TEXT    NOT NULL,
    cloud           BOOLEAN NOT NULL
);

INSERT INTO competencies (code, name, cloud) VALUES
    ('security', 'Security', TRUE),
    ('cloud_business_applications', 'Cloud Business Applications', TRUE),
    ('cloud_platform', 'Cloud Platform', TRUE),
    ('cloud_productivity', 'Cloud Productivity', TRUE),
    ('enterprise_mobility_management', 'Enterprise Mobility Management', TRUE),
    ('small_and_midmarket_cloud_solutions', 'Small and Midmarket Cloud Solutions', TRUE),
    ('application_development', 'Application Development', FALSE),
    ('application_integration', 'Application Integration', FALSE),
    ('collaboration_and_content', 'Collaboration and Content', FALSE),
    ('communications', 'Communications', FALSE),
    ('data_analytics', 'Data Analytics', FALSE),
    ('data_center', 'Data Center', FALSE),
    ('data_platform', 'Data Platform', FALSE),
    ('devops', 'DevOps', FALSE),
    ('enterprise_resource_planning', 'Enterprise Resource Planning', FALSE),
    ('messaging', 'Messaging', FALSE),
    ('project_and_portfolio_management', 'Project and Portfolio Management', FALSE),
    ('windows_and_devices', 'Windows and Devices', FALSE);

CREATE TABLE memberships (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT  NOT NULL REFERENCES organizations (id),
    offer           TEXT    NOT NULL CHECK (offer IN ('action_pack', 'silver', 'gold')),
    competency_code TEXT    REFERENCES competencies (code),
    starts_on       TEXT  NOT NULL,
    ends_on         TEXT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    CHECK (ends_on >= starts_on),
    CHECK ((offer = 'action_pack') = (competency_code IS NULL))
);
CREATE INDEX memberships_organization ON memberships (organization_id);

CREATE TABLE contracts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_code   TEXT    NOT NULL UNIQUE,
    access_id       TEXT    NOT NULL UNIQUE,
    organization_id BIGINT  NOT NULL REFERENCES organizations (id),
    plan_code       TEXT    NOT NULL,
    scopes          TEXT    NOT NULL,
    allotted        BIGINT,
    used            BIGINT  NOT NULL DEFAULT 0,
    starts_on       TEXT  NOT NULL,
    ends_on         TEXT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    CHECK (used >= 0),
    CHECK (allotted IS NULL OR (allotted >= 0 AND used <= allotted))
);
CREATE INDEX contracts_organization ON contracts (organization_id);

CREATE TABLE activations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT  NOT NULL REFERENCES organizations (id),
    benefit_code    TEXT    NOT NULL,
    membership_id   BIGINT  NOT NULL REFERENCES memberships (id),
    status          TEXT    NOT NULL CHECK (status IN ('requested', 'completed', 'rejected')),
    requested_by    BIGINT  NOT NULL REFERENCES accounts (id),
    requested_at    BIGINT  NOT NULL,
    processed_by    BIGINT  REFERENCES accounts (id),
    processed_at    BIGINT,
    reason          TEXT,
    contract_id     BIGINT  REFERENCES contracts (id)
);
-- One live activation per benefit and source membership: activating twice is harmless.
CREATE UNIQUE INDEX activations_one_live ON activations (organization_id, benefit_code, membership_id)
    WHERE status <> 'rejected';

CREATE TABLE ledger_entries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id     BIGINT  NOT NULL REFERENCES contracts (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('grant', 'consume', 'refund', 'adjustment')),
    amount          BIGINT,
    request_id      BIGINT,
    actor_id        BIGINT  REFERENCES accounts (id),
    reason          TEXT,
    at              BIGINT  NOT NULL
);
CREATE INDEX ledger_entries_contract ON ledger_entries (contract_id, id);

CREATE TABLE jobs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    run_at          BIGINT  NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    locked_until    BIGINT,
    last_error      TEXT,
    done_at         BIGINT,
    created_at      BIGINT  NOT NULL
);
CREATE INDEX jobs_due ON jobs (done_at, run_at);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL,
    account_id      BIGINT  REFERENCES accounts (id),
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    dedupe_key      TEXT    UNIQUE,
    created_at      BIGINT  NOT NULL,
    sent_at         BIGINT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT
);
