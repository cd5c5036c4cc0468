-- Postgres's migration 0012 makes ids, keys and synced values compare byte
-- by byte. SQLite's columns do already (its default collation is BINARY);
-- the migration is recorded here too so both engines count the same.
SELECT 1;
