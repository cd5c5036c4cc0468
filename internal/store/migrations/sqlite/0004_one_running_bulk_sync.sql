-- At most one running bulk sync per installation.
CREATE UNIQUE INDEX tandem_bulk_syncs_one_running ON tandem_bulk_syncs (installation_id) WHERE status = 'running';
