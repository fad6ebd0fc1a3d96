-- The time zone an account reads times in (an IANA name such as Europe/Rome); NULL: the
-- browser's, as static/app.js reports it, else UTC.
ALTER TABLE accounts ADD COLUMN time_zone TEXT;
