-- Why an operator's action wrote a field, such as "revert of audit entry 12";
-- empty for the writes of event and bulk sync, whose cause says it all.
ALTER TABLE tandem_audit ADD COLUMN reason TEXT NOT NULL DEFAULT '';
