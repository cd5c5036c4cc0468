-- What the admin console reads: audit entries by time and by record, links
-- by their match key or a synced value, and sync lag (time from a change in
-- one system to its write in the other) as a histogram per minute and
-- direction, added to by every replica so the figures hold for the whole
-- installation.
CREATE INDEX tandem_audit_at ON tandem_audit (installation_id, at);
CREATE INDEX tandem_audit_intercom ON tandem_audit (installation_id, intercom_id, id);
CREATE INDEX tandem_audit_salesforce ON tandem_audit (installation_id, salesforce_id, id);
CREATE INDEX tandem_links_match_key ON tandem_links (installation_id, match_key);

-- The first 100 characters only: Postgres refuses index entries over ~2.7 kB.
CREATE INDEX tandem_shadows_value ON tandem_shadows ((substr(value, 1, 100)));

CREATE TABLE tandem_lag (
    installation_id TEXT   NOT NULL,
    direction       TEXT   NOT NULL,
    minute          BIGINT NOT NULL,
    bucket          BIGINT NOT NULL,
    samples         BIGINT NOT NULL,
    PRIMARY KEY (installation_id, direction, minute, bucket)
);
