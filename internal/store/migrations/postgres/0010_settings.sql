-- Settings changed at run time (the admin console, the JSON API): one JSON
-- document per installation holding only the overrides, by dotted key, each
-- with who changed it and when. Every save bumps version, so that a save
-- based on an older read is refused and every replica notices the change by
-- reading one small row.
CREATE TABLE tandem_settings (
    installation_id TEXT   NOT NULL PRIMARY KEY,
    document        TEXT   NOT NULL,
    version         BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    updated_by      TEXT   NOT NULL DEFAULT ''
);
