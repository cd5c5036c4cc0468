package console_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/config"
)

// A locked setting is refused by the server, whatever the browser sends.
func TestConsoleSettingsLockedOnTheServer(t *testing.T) {
	t.Parallel()
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), PollInterval: time.Hour, NoWebhooks: true, Options: app.Options{NoPeriodic: true},
		Configure: func(c *config.Config) { c.Given = config.Sources{"sync.placeholder": config.SourceEnvironment} },
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	c := newClient(t, d.URL)
	require.Equal(t, http.StatusSeeOther, c.signIn(app.DemoToken))
	token := c.csrf()

	status, body, _ := c.do("POST", "/admin/settings", url.Values{"csrf": {token}, "version": {"0"}, "sync.placeholder": {"forced"},
		"listen": {"0.0.0.0:1"}})
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, body, "sync.placeholder: set in configuration (environment): change it there")
	require.Contains(t, body, "listen: is configuration only")
	status, _, _ = c.do("POST", "/admin/settings", url.Values{"version": {"0"}, "sync.placeholder": {"forced"}})
	require.Equal(t, http.StatusForbidden, status, "no CSRF token")

	v, err := d.App.UseCases.Settings(context.Background())
	require.NoError(t, err)
	require.Zero(t, v.Version, "nothing saved")
	require.Equal(t, config.DefaultPlaceholder, d.App.Syncer.Settings().Placeholder)
}
