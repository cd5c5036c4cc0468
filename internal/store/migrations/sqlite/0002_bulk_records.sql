-- Intercom records seen by a bulk sync, so that Salesforce records streamed
-- afterwards can be matched and compared without holding either side in
-- memory. Rows live as long as their run.
CREATE TABLE tandem_bulk_records (
    run_id      BIGINT NOT NULL,
    object      TEXT   NOT NULL,
    intercom_id TEXT   NOT NULL,
    match_key   TEXT   NOT NULL,
    updated_at  BIGINT NOT NULL,
    data        TEXT   NOT NULL,
    PRIMARY KEY (run_id, object, intercom_id)
);
CREATE INDEX tandem_bulk_records_key ON tandem_bulk_records (run_id, object, match_key, updated_at);
