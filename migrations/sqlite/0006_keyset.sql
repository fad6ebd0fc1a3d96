-- Keyset pagination: every list reads its page along an index in the list's own order, from
-- the cursor on, so a page costs the same at any depth and never sorts the table. Indexes whose
-- leading columns a new one repeats are dropped.

-- Organizations, products and an organization's customers: by name regardless of case, then id.
CREATE INDEX organizations_by_name ON organizations (lower(name), id);
CREATE INDEX products_by_name ON products (lower(name), id);
CREATE INDEX customers_by_name ON customers (organization_id, lower(name), id);

-- Accounts by email (unique, indexed already); one organization's by email.
DROP INDEX accounts_organization;
CREATE INDEX accounts_organization_email ON accounts (organization_id, email);

-- An organization's memberships by start day, then id.
DROP INDEX memberships_organization;
CREATE INDEX memberships_by_start ON memberships (organization_id, starts_on, id);

-- An organization's contracts, oldest first.
DROP INDEX contracts_organization;
CREATE INDEX contracts_organization_id ON contracts (organization_id, id);

-- The activation queue: one status, oldest first.
CREATE INDEX activations_by_status ON activations (status, id);

-- Support requests, newest first (by id), whole or under one filter.
DROP INDEX support_requests_creator;
DROP INDEX support_requests_organization;
DROP INDEX support_requests_status;
CREATE INDEX support_requests_creator_id ON support_requests (created_by, id);
CREATE INDEX support_requests_organization_id ON support_requests (organization_id, id);
CREATE INDEX support_requests_status_id ON support_requests (status, id);
CREATE INDEX support_requests_severity_id ON support_requests (severity, id);
CREATE INDEX support_requests_awaiting_id ON support_requests (id)
    WHERE first_response_at IS NULL AND status <> 'closed';

-- The audit log, newest first by time then id, so a time range is a range of the index.
DROP INDEX audit_log_action;
DROP INDEX audit_log_actor;
CREATE INDEX audit_log_at ON audit_log (at, id);
CREATE INDEX audit_log_actor_at ON audit_log (actor_id, at, id);
CREATE INDEX audit_log_action_at ON audit_log (action, at, id);
CREATE INDEX audit_log_subject_at ON audit_log (subject, at, id);

-- An account's live links in the order they were made, without a sort.
DROP INDEX contract_links_account;
CREATE INDEX contract_links_account_linked ON contract_links (account_id, linked_at, id)
    WHERE revoked_at IS NULL;
