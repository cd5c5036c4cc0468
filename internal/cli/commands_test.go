package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/store"
)

// runEnv runs the command line with the given environment.
func runEnv(env map[string]string, args ...string) (code int, out, errOut string) {
	var o, e bytes.Buffer
	code = Run(context.Background(), args, func(k string) string { return env[k] }, &o, &e)
	return code, o.String(), e.String()
}

// dbOnlyConfig writes a configuration file naming only a data directory:
// no admin token, no Intercom or Salesforce credentials.
func dbOnlyConfig(t *testing.T) (path, dataDir string) {
	t.Helper()
	dir := t.TempDir()
	dataDir = filepath.Join(dir, "data")
	path = filepath.Join(dir, "tandem.yaml")
	require.NoError(t, os.WriteFile(path, []byte("data_dir: "+dataDir+"\n"), 0o600))
	return path, dataDir
}

func TestBareTandemIsUsageError(t *testing.T) {
	t.Parallel()
	code, out, errOut := run()
	require.NotZero(t, code)
	require.Empty(t, out)
	require.Contains(t, errOut, "Usage:")
	require.Contains(t, errOut, "serve")
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, out, _ := run("--version")
	require.Zero(t, code)
	require.Equal(t, "tandem "+Version()+"\n", out)

	code, out, _ = run("version")
	require.Zero(t, code)
	require.Contains(t, out, "github.com/tandemhq/tandem")
	require.Contains(t, out, runtime.Version())

	// A build from a checkout records the revision and its time.
	var buf bytes.Buffer
	writeVersion(&buf, &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/tandemhq/tandem", Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-11-30T12:00:00Z"},
			{Key: "vcs.modified", Value: "true"}}})
	require.Contains(t, buf.String(), "tandem devel+0123456789ab-dirty\n")
	require.Contains(t, buf.String(), "0123456789abcdef0123 (with uncommitted changes)")
	require.Contains(t, buf.String(), "2026-11-30T12:00:00Z")
	buf.Reset()
	writeVersion(&buf, &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/tandemhq/tandem", Version: "v1.4.0"}})
	require.Contains(t, buf.String(), "tandem v1.4.0\n")
}

func TestMigrateNeedsOnlyTheDatabase(t *testing.T) {
	t.Parallel()
	cfg, dataDir := dbOnlyConfig(t)
	code, out, errOut := run("migrate", "--config", cfg)
	require.Zero(t, code, errOut)
	require.Contains(t, out, "created SQLite database "+filepath.Join(dataDir, store.SQLiteFile))
	require.Contains(t, out, "applied migration 0001_init.sql")
	require.Contains(t, out, "applied job queue (River) migration")

	// Single-dash long flags, as Go's flag package took them, still work.
	code, out, errOut = run("migrate", "-config", cfg)
	require.Zero(t, code, errOut)
	require.NotContains(t, out, "applied")
	require.Contains(t, out, "nothing to apply")
}

// TestErrorsRetryAfterFlags queues a retry with --config before the retry
// subcommand, with no API credentials configured (nothing reaches
// Salesforce: the retry is a job for the running bridge).
func TestErrorsRetryAfterFlags(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, dataDir := dbOnlyConfig(t)
	db, err := store.Open(ctx, store.Config{DataDir: dataDir})
	require.NoError(t, err)
	require.NoError(t, db.Migrate(ctx))
	e, err := db.RecordSyncError(ctx, tandem.SyncError{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
		Operation: "update_salesforce", IntercomID: "ic1", SalesforceID: "003A", Field: "Phone", System: "salesforce",
		Code: "STRING_TOO_LONG", Reason: "too long"})
	require.NoError(t, err)
	require.NoError(t, db.Close())
	id := strconv.FormatInt(e.ID, 10)

	code, out, errOut := run("errors", "--config", cfg, "retry", id)
	require.Zero(t, code, errOut)
	require.Contains(t, out, "retry of sync error "+id+" queued")
	code, out, errOut = run("errors", "retry", id, "--config", cfg)
	require.Zero(t, code, errOut)
	require.Contains(t, out, "retry of sync error "+id+" queued")
	code, out, errOut = run("errors", "retry", "--group", "salesforce/STRING_TOO_LONG/Phone", "--config", cfg)
	require.Zero(t, code, errOut)
	require.Contains(t, out, "retry of 1 sync errors of salesforce/STRING_TOO_LONG/Phone queued")

	code, out, errOut = run("errors", "--config", cfg)
	require.Zero(t, code, errOut)
	require.Contains(t, out, "salesforce/STRING_TOO_LONG/Phone")
	require.Contains(t, out, "too long")

	db, err = store.Open(ctx, store.Config{DataDir: dataDir})
	require.NoError(t, err)
	defer db.Close()
	rc, err := river.NewClient(db.RiverDriver(), &river.Config{})
	require.NoError(t, err)
	jobs, err := rc.JobList(ctx, river.NewJobListParams())
	require.NoError(t, err)
	require.Len(t, jobs.Jobs, 3)

	code, _, errOut = run("errors", "--config", cfg, "retry")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "tandem errors retry ID")
	code, _, errOut = run("errors", "--config", cfg, "retry", "999")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "no sync error 999")
}

// TestSyncReportsDurationWithoutFrames runs `tandem sync` against the
// simulators with output to a buffer (not a terminal).
func TestSyncReportsDurationWithoutFrames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, err := app.StartDemo(ctx, app.DemoOptions{Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), PollInterval: time.Hour, Seed: true, NoWebhooks: true,
		// Only the command under test syncs: the demo's own bridge stays idle.
		Options: app.Options{NoPeriodic: true}})
	require.NoError(t, err)
	t.Cleanup(func() { d.Close() })
	env := map[string]string{
		"TANDEM_DATA_DIR": t.TempDir(), "TANDEM_ADMIN_TOKEN": "x",
		"TANDEM_INTERCOM_URL": d.IntercomURL, "TANDEM_INTERCOM_TOKEN": app.DemoToken, "TANDEM_INTERCOM_CLIENT_SECRET": app.DemoToken,
		"TANDEM_SALESFORCE_URL": d.SalesforceURL, "TANDEM_SALESFORCE_TOKEN": app.DemoToken,
	}
	code, dry, errOut := runEnv(env, "sync", "--dry-run")
	require.Zero(t, code, errOut)
	_, plan, ok := strings.Cut(dry, "\n\n")
	require.True(t, ok, dry)
	require.Contains(t, plan, "KEPT AT FIRST LINK", dry)

	code, out, errOut := runEnv(env, "sync")
	require.Zero(t, code, errOut)
	require.Contains(t, out, plan, "the real run did what the dry run planned")
	require.NotContains(t, out, "\r", "no progress frames when stdout is not a terminal")
	m := regexp.MustCompile(`bulk sync \d+ done: (\d+) records compared.* in ([^ ]+) \((\d+) records/s\)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	took, err := time.ParseDuration(m[2])
	require.NoError(t, err)
	require.Positive(t, took, "the real duration, not 0s: %s", out)
	require.NotEqual(t, "0", m[3], out)
	require.Contains(t, out, "aligning Accounts:", "one line per phase instead")
}

func TestBenchLimitThatNeverBinds(t *testing.T) {
	t.Parallel()
	code, out, errOut := run("bench", "--pairs", "20", "--sf-latency", "0s", "--ic-latency", "0s")
	require.Zero(t, code, errOut)
	line := ""
	for l := range strings.Lines(out) {
		if strings.Contains(l, "write throughput") {
			line = l
		}
	}
	require.NotEmpty(t, line, out)
	require.NotContains(t, line, "NOT met", "a limit that never binds is not a target missed")
	require.Contains(t, line, "never binds")
}

// TestSettingsCommands changes a setting from the command line, checked
// and saved as the console does.
func TestSettingsCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, err := app.StartDemo(ctx, app.DemoOptions{Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), PollInterval: time.Hour, NoWebhooks: true, Options: app.Options{NoPeriodic: true}})
	require.NoError(t, err)
	t.Cleanup(func() { d.Close() })
	env := map[string]string{
		"TANDEM_DATA_DIR": t.TempDir(), "TANDEM_ADMIN_TOKEN": "x", "TANDEM_POLL_INTERVAL": "30s",
		"TANDEM_INTERCOM_URL": d.IntercomURL, "TANDEM_INTERCOM_TOKEN": app.DemoToken, "TANDEM_INTERCOM_CLIENT_SECRET": app.DemoToken,
		"TANDEM_SALESFORCE_URL": d.SalesforceURL, "TANDEM_SALESFORCE_TOKEN": app.DemoToken,
	}
	code, out, errOut := runEnv(env, "settings", "set", "budget.bulk_share", "0.3")
	require.Zero(t, code, errOut)
	require.Contains(t, out, "saved settings version 1")
	code, out, errOut = runEnv(env, "settings", "set", "sync.placeholder", "(none)")
	require.Zero(t, code, errOut)
	require.Contains(t, out, "saved settings version 2")

	code, _, errOut = runEnv(env, "settings", "set", "sync.poll_interval", "5m")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "sync.poll_interval: set in configuration (environment): change it there")
	code, _, errOut = runEnv(env, "settings", "set", "mappings", `[{"object":"lead","intercom":"phone","salesforce":"Nope__c","direction":"to_salesforce"}]`)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "mapping 1 (Intercom phone → Lead.Nope__c): Salesforce field Lead.Nope__c does not exist")

	code, out, errOut = runEnv(env, "settings", "show")
	require.Zero(t, code, errOut)
	require.Regexp(t, `budget\.bulk_share\s+0\.3\s+changed`, out)
	require.Regexp(t, `sync\.placeholder\s+\(none\)\s+changed`, out)
	require.Regexp(t, `sync\.poll_interval\s+30s\s+environment`, out)
	require.Regexp(t, `admin_token\s+\[redacted\]\s+configuration only`, out)
	require.Contains(t, out, "settings version 2")

	code, out, errOut = runEnv(env, "settings", "reset", "sync.placeholder")
	require.Zero(t, code, errOut)
	require.Contains(t, out, "saved settings version 3")
}
