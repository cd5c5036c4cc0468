-- A bulk sync run is executed by one runner at a time: the runner holds a
-- lease it renews while it works; another runner may take over only once the
-- lease has expired (the first runner died).
ALTER TABLE tandem_bulk_syncs ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE tandem_bulk_syncs ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
