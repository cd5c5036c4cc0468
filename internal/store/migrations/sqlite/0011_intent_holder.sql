-- The process holding a pending intent (host/pid/start, as its job queue
-- client is named), so that a process of the same host that finds the
-- holder dead takes the intent over at once instead of waiting for it to
-- go stale. Empty for intents claimed before, and by processes that do
-- not name themselves.
ALTER TABLE tandem_intents ADD COLUMN holder TEXT NOT NULL DEFAULT '';
