-- Initial schema (SQLite). Times are unix microseconds (UTC).

CREATE TABLE tandem_links (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    installation_id TEXT    NOT NULL,
    object          TEXT    NOT NULL,
    intercom_id     TEXT    NOT NULL,
    salesforce_id   TEXT    NOT NULL,
    matched_by      TEXT    NOT NULL DEFAULT '',
    match_key       TEXT    NOT NULL DEFAULT '',
    note            TEXT    NOT NULL DEFAULT '',
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE UNIQUE INDEX tandem_links_intercom ON tandem_links (installation_id, object, intercom_id);
CREATE UNIQUE INDEX tandem_links_salesforce ON tandem_links (installation_id, object, salesforce_id);

CREATE TABLE tandem_shadows (
    link_id    BIGINT NOT NULL REFERENCES tandem_links (id) ON DELETE CASCADE,
    field      TEXT   NOT NULL,
    value      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (link_id, field)
);

CREATE TABLE tandem_state (
    installation_id TEXT   NOT NULL,
    key             TEXT   NOT NULL,
    value           TEXT   NOT NULL,
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (installation_id, key)
);

CREATE TABLE tandem_deliveries (
    installation_id TEXT   NOT NULL,
    notification_id TEXT   NOT NULL,
    received_at     BIGINT NOT NULL,
    PRIMARY KEY (installation_id, notification_id)
);
CREATE INDEX tandem_deliveries_received_at ON tandem_deliveries (received_at);

CREATE TABLE tandem_sync_errors (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    installation_id TEXT    NOT NULL,
    object          TEXT    NOT NULL DEFAULT '',
    operation       TEXT    NOT NULL DEFAULT '',
    intercom_id     TEXT    NOT NULL DEFAULT '',
    salesforce_id   TEXT    NOT NULL DEFAULT '',
    field           TEXT    NOT NULL DEFAULT '',
    system          TEXT    NOT NULL DEFAULT '',
    code            TEXT    NOT NULL DEFAULT '',
    message         TEXT    NOT NULL DEFAULT '',
    reason          TEXT    NOT NULL DEFAULT '',
    payload         TEXT    NOT NULL DEFAULT '',
    count           BIGINT  NOT NULL DEFAULT 1,
    first_seen      BIGINT  NOT NULL,
    last_seen       BIGINT  NOT NULL,
    resolved_at     BIGINT
);
CREATE UNIQUE INDEX tandem_sync_errors_open ON tandem_sync_errors
    (installation_id, object, operation, intercom_id, salesforce_id, field, code)
    WHERE resolved_at IS NULL;
CREATE INDEX tandem_sync_errors_last_seen ON tandem_sync_errors (installation_id, last_seen, id);

CREATE TABLE tandem_audit (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    installation_id TEXT    NOT NULL,
    direction       TEXT    NOT NULL DEFAULT '',
    object          TEXT    NOT NULL DEFAULT '',
    intercom_id     TEXT    NOT NULL DEFAULT '',
    salesforce_id   TEXT    NOT NULL DEFAULT '',
    field           TEXT    NOT NULL DEFAULT '',
    old_value       TEXT    NOT NULL DEFAULT '',
    new_value       TEXT    NOT NULL DEFAULT '',
    cause           TEXT    NOT NULL DEFAULT '',
    at              BIGINT  NOT NULL
);
CREATE INDEX tandem_audit_installation ON tandem_audit (installation_id, id);

CREATE TABLE tandem_bulk_syncs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    installation_id TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    phase           TEXT    NOT NULL DEFAULT '',
    checkpoint      TEXT    NOT NULL DEFAULT '',
    error           TEXT    NOT NULL DEFAULT '',
    total           BIGINT  NOT NULL DEFAULT 0,
    done            BIGINT  NOT NULL DEFAULT 0,
    changed         BIGINT  NOT NULL DEFAULT 0,
    failed          BIGINT  NOT NULL DEFAULT 0,
    linked          BIGINT  NOT NULL DEFAULT 0,
    started_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    finished_at     BIGINT
);
CREATE INDEX tandem_bulk_syncs_installation ON tandem_bulk_syncs (installation_id, id);
