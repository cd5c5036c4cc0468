package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// SessionStore keeps sessions; the store's state table satisfies it.
type SessionStore interface {
	GetState(ctx context.Context, inst, key string) (string, bool, error)
	SetState(ctx context.Context, inst, key, value string) error
	DeleteState(ctx context.Context, inst, key string) error
}

const (
	sessionCookie = "tandem_session"
	flashCookie   = "tandem_flash"
	csrfField     = "csrf"
)

// session is what the store holds for a signed-in browser, keyed by the
// hash of the cookie's value.
type session struct {
	CSRF    string    `json:"csrf"`
	Expires time.Time `json:"expires"`
}

type ctxKey struct{}

func sessionFrom(ctx context.Context) session {
	s, _ := ctx.Value(ctxKey{}).(session)
	return s
}

func sessionKey(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "console_session:" + hex.EncodeToString(sum[:])
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// newSession stores a session and sets its cookie.
func (c *Console) newSession(w http.ResponseWriter, r *http.Request) error {
	id := randomToken()
	s := session{CSRF: randomToken(), Expires: c.cfg.Now().Add(c.cfg.SessionTTL).UTC()}
	b, _ := json.Marshal(s)
	if err := c.cfg.Sessions.SetState(r.Context(), c.cfg.Installation, sessionKey(id), string(b)); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: Prefix, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: int(c.cfg.SessionTTL / time.Second)})
	return nil
}

// loadSession returns the request's session, if it has a valid one.
func (c *Console) loadSession(r *http.Request) (session, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" || len(ck.Value) > 100 {
		return session{}, false
	}
	v, ok, err := c.cfg.Sessions.GetState(r.Context(), c.cfg.Installation, sessionKey(ck.Value))
	if err != nil {
		c.cfg.Log.Error("console: load session", "err", err)
		return session{}, false
	}
	if !ok {
		return session{}, false
	}
	var s session
	if json.Unmarshal([]byte(v), &s) != nil || !c.cfg.Now().Before(s.Expires) {
		_ = c.cfg.Sessions.DeleteState(r.Context(), c.cfg.Installation, sessionKey(ck.Value))
		return session{}, false
	}
	return s, true
}

// endSession deletes the request's session and clears its cookie.
func (c *Console) endSession(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := c.cfg.Sessions.DeleteState(r.Context(), c.cfg.Installation, sessionKey(ck.Value)); err != nil {
			c.cfg.Log.Error("console: end session", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: Prefix, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: -1})
}

// authed wraps h so that it runs only with a session: a page without one
// redirects to the sign-in page (an event stream answers 401), and a POST
// must carry the session's CSRF token (403 otherwise).
func (c *Console) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, ok := c.loadSession(r)
		if !ok {
			if r.Method != http.MethodGet || strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
				http.Error(w, "Sign in first.", http.StatusUnauthorized)
				return
			}
			http.Redirect(w, r, Prefix+"signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
			if subtle.ConstantTimeCompare([]byte(r.PostFormValue(csrfField)), []byte(s.CSRF)) != 1 {
				c.renderError(w, r, http.StatusForbidden, "This form has expired or did not come from this console. Go back, reload the page and try again.")
				return
			}
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, s)))
	}
}

// remoteAddr is the request's peer address without its port. Headers such
// as X-Forwarded-For are not trusted: anyone could set them.
func remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// throttle counts failed sign-ins per remote address: after max failures
// within window, further attempts are refused until the window has passed.
type throttle struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	fails  map[string][]time.Time
}

func newThrottle(max int, window time.Duration, now func() time.Time) *throttle {
	return &throttle{max: max, window: window, now: now, fails: map[string][]time.Time{}}
}

// blocked reports whether addr must wait, and for how long.
func (t *throttle) blocked(addr string) (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fs := t.recent(addr)
	if len(fs) < t.max {
		return false, 0
	}
	return true, fs[0].Add(t.window).Sub(t.now())
}

func (t *throttle) fail(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fails[addr] = append(t.recent(addr), t.now())
	if len(t.fails) > 10000 { // forget addresses whose window has passed
		for a := range t.fails {
			if len(t.recent(a)) == 0 {
				delete(t.fails, a)
			}
		}
	}
}

func (t *throttle) reset(addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, addr)
}

func (t *throttle) recent(addr string) []time.Time {
	fs := t.fails[addr]
	cut := t.now().Add(-t.window)
	i := 0
	for i < len(fs) && !fs[i].After(cut) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(t.fails, addr)
	}
	return fs
}

// setFlash leaves a one-line message for the next page.
func setFlash(w http.ResponseWriter, r *http.Request, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(msg)), Path: Prefix,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: 60})
}

// takeFlash returns and clears the message left for this page.
func takeFlash(w http.ResponseWriter, r *http.Request) string {
	ck, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: Prefix, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: -1})
	b, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil || len(b) > 500 {
		return ""
	}
	return string(b)
}
