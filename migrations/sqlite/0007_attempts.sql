-- A reserved attempt is pending until its check ends: a failure confirms it, a success deletes
-- it. A pending row counts against the limits only while its request can still be running (the
-- store's bound, longer than the request timeout), so a reservation left by a crash stops
-- counting instead of standing as a failure for the whole window.
ALTER TABLE failed_attempts ADD COLUMN pending BOOLEAN NOT NULL DEFAULT FALSE;
