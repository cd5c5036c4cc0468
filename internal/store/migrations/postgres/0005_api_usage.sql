-- Salesforce calls per installation and hour, added up by every replica, so a
-- configured 24-hour cap holds across replicas and restarts.
CREATE TABLE tandem_api_usage (
    installation_id TEXT   NOT NULL,
    hour            BIGINT NOT NULL,
    calls           BIGINT NOT NULL,
    PRIMARY KEY (installation_id, hour)
);
