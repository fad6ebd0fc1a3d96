-- Which accounts linked which contracts, and when; revoked links are kept for the record.

CREATE TABLE contract_links (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    contract_id     BIGINT  NOT NULL REFERENCES contracts (id),
    account_id      BIGINT  NOT NULL REFERENCES accounts (id),
    linked_at       BIGINT  NOT NULL,
    revoked_at      BIGINT,
    revoked_by      BIGINT  REFERENCES accounts (id)
);
-- One live link per contract and account.
CREATE UNIQUE INDEX contract_links_live ON contract_links (contract_id, account_id) WHERE revoked_at IS NULL;
CREATE INDEX contract_links_account ON contract_links (account_id) WHERE revoked_at IS NULL;
