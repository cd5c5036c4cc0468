package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/app"
)

// startDemo runs the whole bridge against both simulators, seeded.
func startDemo(t testing.TB) *app.Demo {
	t.Helper()
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), PollInterval: time.Hour, Seed: true,
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	return d
}

// client is a browser-like HTTP client that keeps cookies and does not
// follow redirects.
type client struct {
	t    testing.TB
	base string
	http *http.Client
}

func newClient(t testing.TB, base string) *client {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(method, path string, form url.Values) (int, string, http.Header) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	require.NoError(c.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.http.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	return res.StatusCode, string(b), res.Header
}

func (c *client) signIn(token string) int {
	c.t.Helper()
	status, _, _ := c.do("POST", "/admin/signin", url.Values{"token": {token}})
	return status
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *client) csrf() string {
	c.t.Helper()
	status, body, _ := c.do("GET", "/admin/", nil)
	require.Equal(c.t, http.StatusOK, status)
	m := csrfRE.FindStringSubmatch(body)
	require.NotNil(c.t, m, "a CSRF token on the page")
	return m[1]
}

func TestConsoleSessionsAndCSRF(t *testing.T) {
	t.Parallel()
	d := startDemo(t)

	anon := newClient(t, d.URL)
	status, _, h := anon.do("GET", "/", nil)
	require.Equal(t, http.StatusFound, status)
	require.Equal(t, "/admin/", h.Get("Location"))
	for _, p := range []string{"/admin/", "/admin/errors", "/admin/bulk", "/admin/people", "/admin/audit", "/admin/jobs", "/admin/settings"} {
		status, _, h := anon.do("GET", p, nil)
		require.Equal(t, http.StatusSeeOther, status, p)
		require.True(t, strings.HasPrefix(h.Get("Location"), "/admin/signin?next="), p)
	}
	status, _, _ = anon.do("POST", "/admin/bulk", url.Values{"csrf": {"x"}})
	require.Equal(t, http.StatusUnauthorized, status, "an action without a session")

	c := newClient(t, d.URL)
	status, body, _ := c.do("POST", "/admin/signin", url.Values{"token": {"wrong"}})
	require.Equal(t, http.StatusUnauthorized, status)
	require.Contains(t, body, "not the admin token")
	require.Equal(t, http.StatusSeeOther, c.signIn(app.DemoToken))
	u, _ := url.Parse(d.URL + "/admin/")
	cookies := c.http.Jar.Cookies(u)
	require.Len(t, cookies, 1)

	// The cookie's attributes, as the server set them.
	req, _ := http.NewRequest("POST", d.URL+"/admin/signin", strings.NewReader("token=demo"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := newClient(t, d.URL).http.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	set := res.Header.Get("Set-Cookie")
	require.Contains(t, set, "HttpOnly")
	require.Contains(t, set, "SameSite=Lax")
	require.Contains(t, set, "Path=/admin/")
	require.NotContains(t, set, "Secure", "plain HTTP: no Secure flag")

	token := c.csrf()
	status, body, _ = c.do("POST", "/admin/bulk", url.Values{})
	require.Equal(t, http.StatusForbidden, status, "no CSRF token")
	require.Contains(t, body, "expired")
	status, _, _ = c.do("POST", "/admin/bulk", url.Values{"csrf": {token + "x"}})
	require.Equal(t, http.StatusForbidden, status, "a wrong CSRF token")
	other := newClient(t, d.URL)
	require.Equal(t, http.StatusSeeOther, other.signIn(app.DemoToken))
	status, _, _ = other.do("POST", "/admin/bulk/plan", url.Values{"csrf": {token}})
	require.Equal(t, http.StatusForbidden, status, "another session's CSRF token")

	// Every page renders, and no secret appears on any of them.
	for _, p := range []string{"/admin/", "/admin/errors", "/admin/errors?category=cases", "/admin/bulk", "/admin/people",
		"/admin/people?q=example", "/admin/audit", "/admin/jobs", "/admin/settings"} {
		status, body, _ := c.do("GET", p, nil)
		require.Equal(t, http.StatusOK, status, p)
		require.NotContains(t, body, `"demo"`, p)
		require.NotContains(t, body, ">demo<", p)
	}
	_, body, _ = c.do("GET", "/admin/settings", nil)
	require.Contains(t, body, "admin_token")
	require.Contains(t, body, "[redacted]")

	// Signing out ends the session, also for a copy of its cookie.
	stolen := newClient(t, d.URL)
	stolen.http.Jar.SetCookies(u, cookies)
	status, _, _ = stolen.do("GET", "/admin/", nil)
	require.Equal(t, http.StatusOK, status)
	status, _, _ = c.do("POST", "/admin/signout", url.Values{"csrf": {token}})
	require.Equal(t, http.StatusSeeOther, status)
	status, _, _ = stolen.do("GET", "/admin/", nil)
	require.Equal(t, http.StatusSeeOther, status, "the session ended on the server")
}

func TestConsoleSignInThrottle(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	c := newClient(t, d.URL)
	for range 5 {
		require.Equal(t, http.StatusUnauthorized, c.signIn("guess"))
	}
	status, body, h := c.do("POST", "/admin/signin", url.Values{"token": {app.DemoToken}})
	require.Equal(t, http.StatusTooManyRequests, status, "even the right token waits once throttled")
	require.Contains(t, body, "Too many failed sign-ins")
	require.NotEmpty(t, h.Get("Retry-After"))
}

func TestConsoleSyncErrorActions(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	ctx := context.Background()
	db := d.App.Store
	l, err := db.UpsertLink(ctx, tandem.Link{InstallationID: tandem.DefaultInstallation, Object: tandem.ObjectContact,
		IntercomID: "6650000000000000000000aa", SalesforceID: "003000000000001AAA", MatchedBy: "email", MatchKey: "ada@example.com"})
	require.NoError(t, err)
	now := time.Now()
	mk := func(field string) tandem.SyncError {
		e, err := db.RecordSyncError(ctx, tandem.SyncError{InstallationID: tandem.DefaultInstallation, Object: l.Object,
			Operation: "update_salesforce", IntercomID: l.IntercomID, SalesforceID: l.SalesforceID, Field: field, System: "salesforce",
			Code: "STRING_TOO_LONG", Message: "Phone: data value too large", Reason: "The phone number is longer than Salesforce allows (40).",
			FirstSeen: now, LastSeen: now})
		require.NoError(t, err)
		return e
	}
	e1, e2 := mk("Phone"), mk("Title")

	c := newClient(t, d.URL)
	require.Equal(t, http.StatusSeeOther, c.signIn(app.DemoToken))
	token := c.csrf()
	_, body, _ := c.do("GET", "/admin/errors?category="+l.Object.Category(), nil)
	require.Contains(t, body, "longer than Salesforce allows")
	require.Contains(t, body, "/lightning/r/"+l.Object.SObject()+"/"+l.SalesforceID+"/view")
	require.Contains(t, body, "salesforce/STRING_TOO_LONG/Phone")

	status, _, h := c.do("POST", "/admin/errors/"+itoa(e1.ID)+"/retry", url.Values{"csrf": {token}})
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "/admin/errors", h.Get("Location"))
	_, body, _ = c.do("GET", "/admin/errors", nil)
	require.Contains(t, body, "Retry of sync error "+itoa(e1.ID)+" queued")

	status, _, _ = c.do("POST", "/admin/errors/"+itoa(e2.ID)+"/ignore", url.Values{"csrf": {token}})
	require.Equal(t, http.StatusSeeOther, status)
	got, err := db.GetSyncError(ctx, e2.ID)
	require.NoError(t, err)
	require.NotNil(t, got.ResolvedAt, "ignored: resolved")
	status, body, _ = c.do("POST", "/admin/errors/"+itoa(e2.ID)+"/ignore", url.Values{"csrf": {token}})
	require.Equal(t, http.StatusConflict, status)
	require.Contains(t, body, "already resolved")

	status, _, _ = c.do("POST", "/admin/errors/retry-group", url.Values{"csrf": {token}, "cause": {"salesforce/STRING_TOO_LONG/Phone"},
		"back": {"/admin/errors?category=people"}})
	require.Equal(t, http.StatusSeeOther, status)
	status, _, h = c.do("POST", "/admin/errors/retry-group", url.Values{"csrf": {token}, "cause": {"salesforce/STRING_TOO_LONG/Phone"},
		"back": {"https://evil.example/"}})
	require.Equal(t, http.StatusSeeOther, status)
	require.Equal(t, "/admin/errors", h.Get("Location"), "never redirects off the console")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestConsoleHealthDown(t *testing.T) {
	t.Parallel()
	d := startDemo(t)
	// The Salesforce session is revoked: every access token stops working.
	d.Salesforce.ExpireTokens()
	c := newClient(t, d.URL)
	require.Equal(t, http.StatusSeeOther, c.signIn(app.DemoToken))
	status, body, _ := c.do("GET", "/admin/", nil)
	require.Equal(t, http.StatusOK, status)
	card := regexp.MustCompile(`(?s)<div class="card health (\w+)" data-health="Salesforce">(.*?)</div>`).FindStringSubmatch(body)
	require.NotNil(t, card)
	require.Equal(t, "down", card[1])
	require.Contains(t, card[2], "Down")
	require.Contains(t, card[2], "the token was revoked or has expired")
	require.Contains(t, card[2], "INVALID_SESSION_ID", "the reason, as Salesforce gave it")
	require.NotContains(t, card[2], app.DemoToken+" ", "no token in the reason")
	require.Regexp(t, `data-health="Intercom">\s*<h2>Intercom</h2>\s*<p class="big">Connected`, body)
}
