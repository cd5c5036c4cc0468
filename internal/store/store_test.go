package store_test

import (
	"testing"

	"github.com/tandemhq/tandem/internal/store/storetest"
)

func TestSQLite(t *testing.T) {
	t.Parallel()
	storetest.Exercise(t, storetest.SQLite)
}

func TestPostgres(t *testing.T) {
	t.Parallel()
	storetest.Exercise(t, storetest.Postgres)
}
