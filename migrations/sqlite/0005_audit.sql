-- The append-only, hash-chained audit log: each entry's hash covers its content and the
-- previous entry's hash, so a changed, removed or inserted entry breaks the chain.

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              BIGINT  NOT NULL,
    actor_id        BIGINT,
    action          TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    details         TEXT    NOT NULL,
    prev_hash       TEXT    NOT NULL,
    hash            TEXT    NOT NULL UNIQUE
);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
