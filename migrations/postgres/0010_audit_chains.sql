-- The audit log as several chains: chain 0 for every change made outside a write batch (and
-- every change on SQLite), and one chain per PostgreSQL writer connection, held by a session
-- advisory lock, so that the batches of several instances never wait on one another to extend
-- one chain. Entries written before are chain 0. Each chain is walked by (chain, id).
ALTER TABLE audit_log ADD COLUMN chain BIGINT NOT NULL DEFAULT 0;
CREATE INDEX audit_log_chain_id ON audit_log (chain, id);
