-- The overview's 24-hour charts read per-minute counts instead of counting
-- audit entries and webhook deliveries: triggers add every inserted row to
-- its minute in the same transaction, so the counts hold for every replica
-- and every insert path. Series are "write:<direction>" and "webhook". A
-- minute's row is never bigger than the rows it counts, so the table is
-- kept as long as the audit log is.
CREATE TABLE tandem_activity (
    installation_id TEXT   NOT NULL,
    series          TEXT   NOT NULL,
    minute          BIGINT NOT NULL,
    n               BIGINT NOT NULL,
    PRIMARY KEY (installation_id, series, minute)
);

INSERT INTO tandem_activity (installation_id, series, minute, n)
SELECT installation_id, 'write:' || direction, at / 60000000, count(*) FROM tandem_audit
GROUP BY installation_id, direction, at / 60000000;
INSERT INTO tandem_activity (installation_id, series, minute, n)
SELECT installation_id, 'webhook', received_at / 60000000, count(*) FROM tandem_deliveries
GROUP BY installation_id, received_at / 60000000;

CREATE TRIGGER tandem_audit_activity AFTER INSERT ON tandem_audit
BEGIN
    INSERT INTO tandem_activity (installation_id, series, minute, n)
    VALUES (NEW.installation_id, 'write:' || NEW.direction, NEW.at / 60000000, 1)
    ON CONFLICT (installation_id, series, minute) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tandem_deliveries_activity AFTER INSERT ON tandem_deliveries
BEGIN
    INSERT INTO tandem_activity (installation_id, series, minute, n)
    VALUES (NEW.installation_id, 'webhook', NEW.received_at / 60000000, 1)
    ON CONFLICT (installation_id, series, minute) DO UPDATE SET n = n + 1;
END;

-- The person page lists the open sync errors of one pair of records.
CREATE INDEX tandem_sync_errors_open_intercom ON tandem_sync_errors (installation_id, intercom_id) WHERE resolved_at IS NULL;
CREATE INDEX tandem_sync_errors_open_salesforce ON tandem_sync_errors (installation_id, salesforce_id) WHERE resolved_at IS NULL;
