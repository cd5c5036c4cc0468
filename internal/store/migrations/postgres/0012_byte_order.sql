-- Ids, keys and synced values compare byte by byte, as SQLite compares
-- them. Under a database's linguistic collation (en_US and the like) every
-- comparison in these indexes went through the collation library, which
-- made writing links and shadows markedly slower, and the console's prefix
-- search (a range from the term to the term followed by the last code
-- point) is only exact in byte order. Changing a text column's collation
-- rewrites no table, only the indexes that hold the column.
ALTER TABLE tandem_links
    ALTER COLUMN installation_id TYPE TEXT COLLATE "C",
    ALTER COLUMN object          TYPE TEXT COLLATE "C",
    ALTER COLUMN intercom_id     TYPE TEXT COLLATE "C",
    ALTER COLUMN salesforce_id   TYPE TEXT COLLATE "C",
    ALTER COLUMN match_key       TYPE TEXT COLLATE "C";
ALTER TABLE tandem_shadows
    ALTER COLUMN field TYPE TEXT COLLATE "C",
    ALTER COLUMN value TYPE TEXT COLLATE "C";
ALTER TABLE tandem_bulk_records
    ALTER COLUMN object      TYPE TEXT COLLATE "C",
    ALTER COLUMN intercom_id TYPE TEXT COLLATE "C",
    ALTER COLUMN match_key   TYPE TEXT COLLATE "C";
ALTER TABLE tandem_audit
    ALTER COLUMN installation_id TYPE TEXT COLLATE "C",
    ALTER COLUMN intercom_id     TYPE TEXT COLLATE "C",
    ALTER COLUMN salesforce_id   TYPE TEXT COLLATE "C";
ALTER TABLE tandem_sync_errors
    ALTER COLUMN installation_id TYPE TEXT COLLATE "C",
    ALTER COLUMN object          TYPE TEXT COLLATE "C",
    ALTER COLUMN operation       TYPE TEXT COLLATE "C",
    ALTER COLUMN intercom_id     TYPE TEXT COLLATE "C",
    ALTER COLUMN salesforce_id   TYPE TEXT COLLATE "C",
    ALTER COLUMN field           TYPE TEXT COLLATE "C",
    ALTER COLUMN code            TYPE TEXT COLLATE "C";
ALTER TABLE tandem_intents
    ALTER COLUMN installation_id TYPE TEXT COLLATE "C",
    ALTER COLUMN kind            TYPE TEXT COLLATE "C",
    ALTER COLUMN key             TYPE TEXT COLLATE "C",
    ALTER COLUMN state           TYPE TEXT COLLATE "C";
ALTER TABLE tandem_deliveries
    ALTER COLUMN installation_id TYPE TEXT COLLATE "C",
    ALTER COLUMN notification_id TYPE TEXT COLLATE "C";
ALTER TABLE tandem_state
    ALTER COLUMN installation_id TYPE TEXT COLLATE "C",
    ALTER COLUMN key             TYPE TEXT COLLATE "C";
ALTER TABLE tandem_bulk_syncs
    ALTER COLUMN installation_id TYPE TEXT COLLATE "C";
ALTER TABLE tandem_api_usage
    ALTER COLUMN installation_id TYPE TEXT COLLATE "C";
ALTER TABLE tandem_activity
    ALTER COLUMN installation_id TYPE TEXT COLLATE "C",
    ALTER COLUMN series          TYPE TEXT COLLATE "C";
ALTER TABLE tandem_lag
    ALTER COLUMN installation_id TYPE TEXT COLLATE "C",
    ALTER COLUMN direction       TYPE TEXT COLLATE "C";
ALTER TABLE tandem_settings
    ALTER COLUMN installation_id TYPE TEXT COLLATE "C";
