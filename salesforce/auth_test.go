package salesforce

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeTokenEndpoint serves /services/oauth2/token: check validates the form
// and returns an OAuth error code ("" to succeed). Issued tokens are
// access-1, access-2, ...
type fakeTokenEndpoint struct {
	srv    *httptest.Server
	issued atomic.Int32
}

func newFakeTokenEndpoint(t *testing.T, instanceURL string, check func(url.Values) (code, desc string)) *fakeTokenEndpoint {
	t.Helper()
	f := &fakeTokenEndpoint{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /services/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Content-Type", "application/x-www-form-urlencoded")
		require.NoError(t, r.ParseForm())
		if code, desc := check(r.PostForm); code != "" {
			writeJSON(w, 400, mustJSON(t, map[string]string{"error": code, "error_description": desc}))
			return
		}
		n := f.issued.Add(1)
		writeJSON(w, 200, mustJSON(t, map[string]string{
			"access_token": fmt.Sprintf("access-%d", n),
			"instance_url": instanceURL,
			"token_type":   "Bearer",
			"issued_at":    "1717000000000",
		}))
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "Authorization", "Bearer access-1")
		writeJSON(w, 200, `{}`)
	}))
	t.Cleanup(api.Close)
	ep := newFakeTokenEndpoint(t, api.URL, func(v url.Values) (string, string) {
		require.Equal(t, "client_credentials", v.Get("grant_type"))
		require.Equal(t, "key-1", v.Get("client_id"))
		require.Equal(t, "s3cret-value", v.Get("client_secret"))
		return "", ""
	})
	ts := OAuthConfig{LoginURL: ep.srv.URL + "/", ClientID: "key-1", ClientSecret: "s3cret-value"}.ClientCredentials()
	c, err := NewClient(WithTokenSource(ts))
	require.NoError(t, err)
	for range 3 {
		_, _, err = c.Limits(t.Context())
		require.NoError(t, err)
	}
	require.Equal(t, int32(1), ep.issued.Load(), "token cached across calls")
}

func TestRefreshToken(t *testing.T) {
	t.Parallel()
	ep := newFakeTokenEndpoint(t, "https://acme.my.salesforce.com", func(v url.Values) (string, string) {
		require.Equal(t, "refresh_token", v.Get("grant_type"))
		require.Equal(t, "refresh-abc-123", v.Get("refresh_token"))
		require.Equal(t, "key-1", v.Get("client_id"))
		require.Equal(t, "s3cret-value", v.Get("client_secret"))
		return "", ""
	})
	ts := OAuthConfig{LoginURL: ep.srv.URL, ClientID: "key-1", ClientSecret: "s3cret-value"}.RefreshToken("refresh-abc-123")
	tok, err := ts.Token(t.Context())
	require.NoError(t, err)
	require.Equal(t, "access-1", tok.AccessToken)
	require.Equal(t, "https://acme.my.salesforce.com", tok.InstanceURL)

	// Invalidating an older token keeps the current one; invalidating the
	// current one fetches anew.
	ts.Invalidate(&Token{AccessToken: "access-0"})
	again, err := ts.Token(t.Context())
	require.NoError(t, err)
	require.Same(t, tok, again)
	ts.Invalidate(tok)
	fresh, err := ts.Token(t.Context())
	require.NoError(t, err)
	require.Equal(t, "access-2", fresh.AccessToken)
}

func TestPassword(t *testing.T) {
	t.Parallel()
	ep := newFakeTokenEndpoint(t, "https://acme.my.salesforce.com", func(v url.Values) (string, string) {
		require.Equal(t, "password", v.Get("grant_type"))
		require.Equal(t, "ada@example.com", v.Get("username"))
		require.Equal(t, "pw+sectoken", v.Get("password"))
		return "", ""
	})
	tok, err := OAuthConfig{LoginURL: ep.srv.URL, ClientID: "k", ClientSecret: "s"}.Password("ada@example.com", "pw+sectoken").Token(t.Context())
	require.NoError(t, err)
	require.Equal(t, "access-1", tok.AccessToken)
}

func TestTokenEndpointErrorsAreRedacted(t *testing.T) {
	t.Parallel()
	const secret, refresh = "client-secret-xyz", "refresh-token-xyz"
	// A token endpoint that (unwisely) echoes what it was sent.
	ep := newFakeTokenEndpoint(t, "", func(v url.Values) (string, string) {
		return "invalid_grant", "expired access/refresh token " + v.Get("refresh_token") + " for " + v.Get("client_secret")
	})
	ts := OAuthConfig{LoginURL: ep.srv.URL, ClientID: "k", ClientSecret: secret}.RefreshToken(refresh)
	_, err := ts.Token(t.Context())
	require.ErrorIs(t, err, ErrAuth)
	require.Equal(t, "invalid_grant", Code(err))
	require.NotContains(t, err.Error(), secret)
	require.NotContains(t, err.Error(), refresh)
	require.Contains(t, err.Error(), "expired access/refresh token [redacted]")

	// Through the client, too.
	c, err := NewClient(WithTokenSource(ts), WithInstanceURL("https://acme.my.salesforce.com"))
	require.NoError(t, err)
	_, _, err = c.Limits(t.Context())
	require.ErrorIs(t, err, ErrAuth)
	require.NotContains(t, err.Error(), refresh)
}

func TestTokenEndpointGarbage(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `<html>login</html>`)
	}))
	t.Cleanup(srv.Close)
	_, err := OAuthConfig{LoginURL: srv.URL}.ClientCredentials().Token(t.Context())
	require.ErrorIs(t, err, ErrAuth)
	require.ErrorContains(t, err, "unexpected token endpoint response")
}

func rsaKey(t *testing.T) (*rsa.PrivateKey, []byte, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	pkcs8 := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	return key, pkcs1, pkcs8
}

// verifyJWT checks an RS256 assertion against pub and returns its claims.
func verifyJWT(t *testing.T, assertion string, pub *rsa.PublicKey) map[string]any {
	t.Helper()
	parts := strings.Split(assertion, ".")
	require.Len(t, parts, 3)
	hdr, err := base64.RawURLEncoding.DecodeString(parts[0])
	require.NoError(t, err)
	require.JSONEq(t, `{"alg":"RS256","typ":"JWT"}`, string(hdr))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err)
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	require.NoError(t, rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig), "signature")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(payload, &claims))
	return claims
}

func TestJWTBearer(t *testing.T) {
	t.Parallel()
	key, pkcs1, pkcs8 := rsaKey(t)
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for name, pemBytes := range map[string][]byte{"pkcs1": pkcs1, "pkcs8": pkcs8} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var loginURL string
			ep := newFakeTokenEndpoint(t, "https://acme.my.salesforce.com", func(v url.Values) (string, string) {
				require.Equal(t, "urn:ietf:params:oauth:grant-type:jwt-bearer", v.Get("grant_type"))
				claims := verifyJWT(t, v.Get("assertion"), &key.PublicKey)
				require.Equal(t, map[string]any{
					"iss": "consumer-key",
					"sub": "integration@acme.com",
					"aud": loginURL,
					"exp": float64(now.Add(3 * time.Minute).Unix()),
				}, claims)
				return "", ""
			})
			loginURL = ep.srv.URL
			ts, err := OAuthConfig{LoginURL: ep.srv.URL, ClientID: "consumer-key", Now: func() time.Time { return now }}.
				JWT("integration@acme.com", pemBytes)
			require.NoError(t, err)
			tok, err := ts.Token(t.Context())
			require.NoError(t, err)
			require.Equal(t, "access-1", tok.AccessToken)
			ts.Invalidate(tok)
			tok, err = ts.Token(t.Context())
			require.NoError(t, err)
			require.Equal(t, "access-2", tok.AccessToken, "a fresh assertion after invalidation")
		})
	}
}

func TestJWTBearer_AudienceAndErrors(t *testing.T) {
	t.Parallel()
	key, pkcs1, _ := rsaKey(t)
	var assertion atomic.Value
	ep := newFakeTokenEndpoint(t, "", func(v url.Values) (string, string) {
		claims := verifyJWT(t, v.Get("assertion"), &key.PublicKey)
		require.Equal(t, "https://test.salesforce.com", claims["aud"])
		assertion.Store(v.Get("assertion"))
		return "invalid_grant", "user hasn't approved this consumer: " + v.Get("assertion")
	})
	ts, err := OAuthConfig{LoginURL: ep.srv.URL, ClientID: "k", Audience: "https://test.salesforce.com"}.JWT("u@x.io", pkcs1)
	require.NoError(t, err)
	_, err = ts.Token(t.Context())
	require.ErrorIs(t, err, ErrAuth)
	require.NotContains(t, err.Error(), assertion.Load().(string))

	_, err = OAuthConfig{}.JWT("u", []byte("not pem"))
	require.ErrorContains(t, err, "no PEM block")
	_, err = OAuthConfig{}.JWT("u", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("junk")}))
	require.ErrorContains(t, err, "not an RSA private key")
}

func TestClient_ReauthThroughOAuth(t *testing.T) {
	t.Parallel()
	var apiCalls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apiCalls.Add(1)
		if r.Header.Get("Authorization") == "Bearer access-1" {
			writeJSON(w, 401, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`)
			return
		}
		writeJSON(w, 200, `{"totalSize":0,"done":true,"records":[]}`)
	}))
	t.Cleanup(api.Close)
	ep := newFakeTokenEndpoint(t, api.URL, func(url.Values) (string, string) { return "", "" })
	c, err := NewClient(WithTokenSource(OAuthConfig{LoginURL: ep.srv.URL, ClientID: "k", ClientSecret: "s"}.ClientCredentials()))
	require.NoError(t, err)
	res, _, err := c.QueryPage(t.Context(), "SELECT Id FROM Lead", nil)
	require.NoError(t, err)
	require.True(t, res.Done)
	require.Equal(t, int32(2), ep.issued.Load())
	require.Equal(t, int32(2), apiCalls.Load())
}

func TestToken_PrintedFormsHideSecret(t *testing.T) {
	t.Parallel()
	tok := &Token{AccessToken: testToken, InstanceURL: "https://acme.my.salesforce.com"}
	for _, s := range []string{fmt.Sprint(tok), fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok)} {
		require.NotContains(t, s, testToken)
		require.Contains(t, s, "acme.my.salesforce.com")
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("got token", "token", tok)
	require.NotContains(t, buf.String(), testToken)
	require.Contains(t, buf.String(), redacted)
}

func TestStaticTokenSource(t *testing.T) {
	t.Parallel()
	ts := StaticTokenSource("abc", "https://x")
	tok, err := ts.Token(context.Background())
	require.NoError(t, err)
	ts.Invalidate(tok)
	again, err := ts.Token(context.Background())
	require.NoError(t, err)
	require.Equal(t, "abc", again.AccessToken)
}
