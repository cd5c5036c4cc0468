package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

// secretConfig has every secret set to a recognisable value.
func secretConfig() Config {
	c := validConfig()
	c.DatabaseURL = "postgres://u:LEAK1@db/x"
	c.AdminToken = "LEAK2"
	c.Intercom.Token = "LEAK3"
	c.Intercom.ClientSecret = "LEAK4"
	c.Salesforce.Token = "LEAK5"
	c.Salesforce.ClientSecret = "LEAK6"
	c.Salesforce.RefreshToken = "LEAK7"
	return c
}

func TestSecretNeverPrinted(t *testing.T) {
	t.Parallel()

	c := secretConfig()
	var dump bytes.Buffer
	require.NoError(t, c.Dump(&dump))
	js, err := json.Marshal(c)
	require.NoError(t, err)
	var text, jsonLog bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("config", "config", c, "token", c.AdminToken)
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("config", "config", c, "token", c.AdminToken)

	outputs := map[string]string{
		"%v":       fmt.Sprintf("%v", c),
		"%+v":      fmt.Sprintf("%+v", c),
		"%#v":      fmt.Sprintf("%#v", c),
		"%s":       fmt.Sprintf("%s", c.Intercom.Token),
		"dump":     dump.String(),
		"json":     string(js),
		"slogtext": text.String(),
		"slogjson": jsonLog.String(),
		"redacted": fmt.Sprintf("%+v", c.Redacted().AdminToken.Reveal()),
	}
	for name, out := range outputs {
		require.NotContains(t, out, "LEAK", name)
		require.Contains(t, out, "[redacted]", name)
	}
	require.Equal(t, "LEAK2", c.AdminToken.Reveal(), "Redacted works on a copy")
}

func TestSecretEmpty(t *testing.T) {
	t.Parallel()

	var s Secret
	require.Equal(t, "", s.String())
	require.Equal(t, `""`, s.GoString())
	require.Equal(t, "", s.LogValue().String())
	b, err := json.Marshal(s)
	require.NoError(t, err)
	require.Equal(t, `""`, string(b))
	txt, err := Secret("x").MarshalText()
	require.NoError(t, err)
	require.Equal(t, "[redacted]", string(txt))
}

func TestDumpRoundTrips(t *testing.T) {
	t.Parallel()

	c := validConfig()
	var buf bytes.Buffer
	require.NoError(t, c.Dump(&buf))
	back, err := Parse(buf.Bytes())
	require.NoError(t, err, buf.String())
	require.Equal(t, c.Sync, back.Sync)
	require.Equal(t, c.Mappings, back.Mappings)
	require.Equal(t, Secret("[redacted]"), back.AdminToken)
}
