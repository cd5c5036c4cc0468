package config

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
)

func TestGivenSettingsAreLocked(t *testing.T) {
	t.Parallel()

	path := writeFile(t, "tandem.yaml", `
sync:
  placeholder: "n/a"
cases:
  enabled: false
  priority: {urgent: High}
  mappings: []
mappings:
  - {object: lead, intercom: phone, salesforce: Phone, direction: to_salesforce}
`)
	e := minimalEnv()
	e["TANDEM_POLL_INTERVAL"] = "30s"
	c, err := Load(e.get, path)
	require.NoError(t, err)
	require.Equal(t, Sources{
		"sync.placeholder": SourceFile, "cases.enabled": SourceFile, "cases.priority": SourceFile,
		"cases.mappings": SourceFile, "mappings": SourceFile, "sync.poll_interval": SourceEnvironment,
	}, c.Given)
	src, ok := c.Given.Locked("sync.poll_interval")
	require.True(t, ok)
	require.Equal(t, SourceEnvironment, src)
	_, ok = c.Given.Locked("sync.reconcile_interval")
	require.False(t, ok, "a default is not locked")
}

func TestApplyOverrides(t *testing.T) {
	t.Parallel()

	c := Config{}.WithDefaults()
	raw := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return b
	}
	ms := []tandem.Mapping{{Object: tandem.ObjectContact, Intercom: "name", Salesforce: "LastName", Direction: tandem.ToIntercom}}
	got, err := c.Apply(Overrides{
		"sync.poll_interval": raw("90s"), "cases.priority": raw(map[string]string{"urgent": "Critical"}),
		"cases.note": raw(false), "mappings": raw(ms), "budget.bulk_share": raw(0.25),
	})
	require.NoError(t, err)
	require.Equal(t, 90*time.Second, got.Sync.PollInterval)
	require.Equal(t, map[string]string{"urgent": "Critical"}, got.Cases.Priority, "a map is replaced, not merged")
	require.False(t, got.Cases.NoteEnabled())
	require.Equal(t, ms, got.Mappings)
	require.InDelta(t, 0.25, got.Budget.BulkShare, 1e-9)
	require.Equal(t, DefaultPollInterval, c.Sync.PollInterval, "the original is untouched")
	require.Equal(t, "1m30s", got.Text("sync.poll_interval"))
	require.Equal(t, "{urgent: Critical}", got.Text("cases.priority"))
	v, err := got.Value("sync.poll_interval")
	require.NoError(t, err)
	require.JSONEq(t, `"1m30s"`, string(v))

	_, err = c.Apply(Overrides{"listen": raw(":9")})
	require.EqualError(t, err, "listen: cannot be changed at run time")
	_, err = c.Apply(Overrides{"sync.poll_interval": raw("soon")})
	require.EqualError(t, err, `sync.poll_interval: must be a duration such as 90s or 5m, not "soon"`)
	_, err = c.Apply(Overrides{"tasks.enabled": raw("yes")})
	require.EqualError(t, err, "tasks.enabled: must be true or false")
	for _, k := range Editable {
		_, err := c.Value(k)
		require.NoError(t, err, k)
	}
}
