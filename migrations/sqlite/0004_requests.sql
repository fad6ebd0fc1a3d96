-- Products and versions, CSP customers, support requests with their history, idempotency keys,
-- paid-plan orders, and retry scheduling for the outbox.

CREATE TABLE products (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    code            TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    scope           TEXT    NOT NULL CHECK (scope IN ('on_premises', 'cloud')),
    workload        TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL
);

CREATE TABLE product_versions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id      BIGINT  NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    released        TEXT    NOT NULL,
    mainstream_end  TEXT    NOT NULL,
    extended_end    TEXT    NOT NULL,
    UNIQUE (product_id, name)
);

CREATE TABLE customers (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT  NOT NULL REFERENCES organizations (id),
    name            TEXT    NOT NULL,
    domain          TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    UNIQUE (organization_id, domain)
);

CREATE TABLE support_requests (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    title           TEXT    NOT NULL,
    description     TEXT    NOT NULL,
    product_code    TEXT    NOT NULL,
    version         TEXT,
    severity        TEXT    NOT NULL,
    plan            TEXT    NOT NULL,
    contract_id     BIGINT  REFERENCES contracts (id),
    charged         BOOLEAN NOT NULL,
    refunded        BOOLEAN NOT NULL DEFAULT FALSE,
    refund_reason   TEXT,
    created_by      BIGINT  NOT NULL REFERENCES accounts (id),
    organization_id BIGINT  REFERENCES organizations (id),
    customer_id     BIGINT  REFERENCES customers (id),
    contact         TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed')),
    first_response_due BIGINT NOT NULL,
    first_response_at  BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    CHECK (NOT refunded OR charged)
);
CREATE INDEX support_requests_creator ON support_requests (created_by);
CREATE INDEX support_requests_organization ON support_requests (organization_id);
CREATE INDEX support_requests_status ON support_requests (status, severity);

CREATE TABLE request_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id      BIGINT  NOT NULL REFERENCES support_requests (id),
    at              BIGINT  NOT NULL,
    actor_id        BIGINT  REFERENCES accounts (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('created', 'status', 'comment', 'refund')),
    from_status     TEXT,
    to_status       TEXT,
    body            TEXT
);
CREATE INDEX request_events_request ON request_events (request_id, id);

CREATE TABLE idempotency_keys (
    account_id      BIGINT  NOT NULL REFERENCES accounts (id),
    idempotency_key TEXT    NOT NULL,
    body_digest     TEXT    NOT NULL,
    request_id      BIGINT  NOT NULL REFERENCES support_requests (id),
    created_at      BIGINT  NOT NULL,
    PRIMARY KEY (account_id, idempotency_key)
);

CREATE TABLE orders (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BIGINT  NOT NULL REFERENCES organizations (id),
    plan_code       TEXT    NOT NULL,
    contract_id     BIGINT  NOT NULL REFERENCES contracts (id),
    created_by      BIGINT  NOT NULL REFERENCES accounts (id),
    created_at      BIGINT  NOT NULL
);

ALTER TABLE outbox ADD COLUMN next_attempt_at BIGINT;
