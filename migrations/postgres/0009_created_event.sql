-- A request's `created` history entry is read from the request's own row (`created_at`,
-- `created_by`, status `open`): filing no longer writes it as a row of its own, one row and one
-- index entry fewer per filing. The ones written before are dropped so that none shows twice.
DELETE FROM request_events WHERE kind = 'created';
