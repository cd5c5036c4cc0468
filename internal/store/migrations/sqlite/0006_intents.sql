-- Intents of effects on a remote system that must happen once (create a
-- Lead, a Case, a Task): claimed before the call, completed with the id of
-- the remote record, so a retry or another replica finds it instead of
-- creating a second one.
CREATE TABLE tandem_intents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    installation_id TEXT   NOT NULL,
    kind            TEXT   NOT NULL,
    key             TEXT   NOT NULL,
    state           TEXT   NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    remote_id       TEXT   NOT NULL DEFAULT '',
    attempts        BIGINT NOT NULL DEFAULT 1,
    note            TEXT   NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX tandem_intents_key ON tandem_intents (installation_id, kind, key);
CREATE INDEX tandem_intents_state ON tandem_intents (installation_id, kind, state, id);

-- Create Lead kept its intent in tandem_state until now; those rows were
-- only ever held during one call.
DELETE FROM tandem_state WHERE key LIKE 'create\_lead:%' ESCAPE '\';
