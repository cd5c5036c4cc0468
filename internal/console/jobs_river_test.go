package console_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/store/storetest"
)

func TestConsoleRiverUI(t *testing.T) {
	t.Parallel()
	for name, dbURL := range map[string]func(t *testing.T) string{
		"sqlite":   func(*testing.T) string { return "" },
		"postgres": func(t *testing.T) string { return storetest.PostgresURL(t) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testRiverUI(t, dbURL(t))
		})
	}
}

// call sends one request as River's UI would (JSON), with extra headers.
func (c *client) call(method, path, body string, hdr map[string]string) (int, string) {
	c.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	require.NoError(c.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	return res.StatusCode, string(b)
}

func testRiverUI(t *testing.T, dbURL string) {
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), DatabaseURL: dbURL, PollInterval: time.Hour, Seed: true,
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	const ui = "/admin/jobs/river/"

	// Without a session: the page sends the browser to sign in, the API
	// answers 401 and no action runs.
	anon := newClient(t, d.URL)
	status, _, h := anon.do("GET", ui, nil)
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "/admin/signin?next=%2Fadmin%2Fjobs%2Friver%2F", h.Get("Location"))
	status, _, _ = anon.do("GET", ui+"queues", nil)
	require.Equal(t, http.StatusSeeOther, status, "a page of the application")
	status, _ = anon.call("GET", ui+"api/jobs?state=completed", "", nil)
	require.Equal(t, http.StatusUnauthorized, status)
	status, _ = anon.call("GET", ui+"assets/x.js", "", nil)
	require.Equal(t, http.StatusSeeOther, status, "even its scripts")
	status, _ = anon.call("PUT", ui+"api/queues/default/pause", "{}", map[string]string{"Sec-Fetch-Site": "same-origin"})
	require.Equal(t, http.StatusUnauthorized, status)

	c := newClient(t, d.URL)
	require.Equal(t, http.StatusSeeOther, c.signIn(app.DemoToken))

	// The jobs page links to it; the application's page loads its
	// scripts and styles from under the mount and calls its API there.
	_, body, _ := c.do("GET", "/admin/jobs", nil)
	require.Contains(t, body, `href="`+ui+`"`)
	status, body, _ = c.do("GET", ui, nil)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `"apiUrl":"/admin/jobs/river/api"`)
	assets := regexp.MustCompile(`(?:href|src)="(/admin/jobs/river/assets/[^"]+)"`).FindAllStringSubmatch(body, -1)
	require.Len(t, assets, 2, "a stylesheet and a script")
	for _, a := range assets {
		status, _ := c.call("GET", a[1], "", nil)
		require.Equal(t, http.StatusOK, status, a[1])
	}
	status, body, _ = c.do("GET", ui+"jobs?state=completed", nil)
	require.Equal(t, http.StatusOK, status, "a deep link serves the application too")
	require.Contains(t, body, `id="root"`)

	// Its API reads the queue through the configured database.
	status, body = c.call("GET", ui+"api/states", "", nil)
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `"completed"`)
	queue := func() map[string]any {
		status, body := c.call("GET", ui+"api/queues/default", "", nil)
		require.Equal(t, http.StatusOK, status, body)
		var q map[string]any
		require.NoError(t, json.Unmarshal([]byte(body), &q))
		return q
	}
	eventually(t, "the default queue recorded", func() bool {
		status, _ := c.call("GET", ui+"api/queues/default", "", nil)
		return status == http.StatusOK
	})
	require.Nil(t, queue()["paused_at"])

	// An action from another site is refused, whatever the cookie: the
	// browser says where the request comes from.
	for _, hdr := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Origin": "https://evil.example"},
	} {
		status, body := c.call("PUT", ui+"api/queues/default/pause", "{}", hdr)
		require.Equal(t, http.StatusForbidden, status, "%v", hdr)
		require.Contains(t, body, "did not come from the console")
	}
	require.Nil(t, queue()["paused_at"], "nothing changed")

	// From its own page, the action is carried out.
	status, body = c.call("PUT", ui+"api/queues/default/pause", "{}", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": d.URL})
	require.Equal(t, http.StatusOK, status, body)
	require.NotNil(t, queue()["paused_at"])
	status, body = c.call("PUT", ui+"api/queues/default/resume", "{}", map[string]string{"Origin": d.URL})
	require.Equal(t, http.StatusOK, status, "an older browser that sends only Origin: %s", body)
	require.Nil(t, queue()["paused_at"])
}
