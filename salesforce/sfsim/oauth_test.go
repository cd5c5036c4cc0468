package sfsim

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func postForm(t *testing.T, b *testBundle, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	res, err := http.PostForm(b.ts.URL+path, form)
	require.NoError(t, err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	var m map[string]any
	if len(data) > 0 {
		require.NoError(t, json.Unmarshal(data, &m), string(data))
	}
	return res.StatusCode, m
}

func withToken(t *testing.T, b *testBundle, token string) int {
	t.Helper()
	req, err := http.NewRequest("GET", b.ts.URL+testBase+"/limits", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	return res.StatusCode
}

func TestOAuthClientCredentialsPasswordRefresh(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{ClientID: "cid", ClientSecret: "secret", Username: "int@example.com", Password: "pw"})
	status, m := postForm(t, b, "/services/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"secret"}})
	require.Equal(t, 200, status)
	require.Equal(t, "Bearer", m["token_type"])
	require.Equal(t, b.ts.URL, m["instance_url"])
	require.NotContains(t, m, "expires_in")
	require.NotContains(t, m, "refresh_token")
	require.Equal(t, "1715774400000", m["issued_at"])
	require.True(t, strings.HasSuffix(m["id"].(string), "/"+b.sim.DefaultUserID()))
	require.Equal(t, 200, withToken(t, b, m["access_token"].(string)))

	status, m = postForm(t, b, "/services/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"nope"}, "client_secret": {"secret"}})
	require.Equal(t, 400, status)
	require.Equal(t, map[string]any{"error": "invalid_client_id", "error_description": "client identifier invalid"}, m)
	_, m = postForm(t, b, "/services/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"cid"}, "client_secret": {"bad"}})
	require.Equal(t, "invalid_client", m["error"])

	status, _ = postForm(t, b, "/services/oauth2/token", url.Values{"grant_type": {"password"}, "client_id": {"cid"}, "client_secret": {"secret"},
		"username": {"int@example.com"}, "password": {"pw"}})
	require.Equal(t, 200, status)
	_, m = postForm(t, b, "/services/oauth2/token", url.Values{"grant_type": {"password"}, "client_id": {"cid"}, "client_secret": {"secret"},
		"username": {"int@example.com"}, "password": {"wrong"}})
	require.Equal(t, map[string]any{"error": "invalid_grant", "error_description": "authentication failure"}, m)

	rt := b.sim.IssueRefreshToken()
	status, m = postForm(t, b, "/services/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {"cid"}, "client_secret": {"secret"}, "refresh_token": {rt}})
	require.Equal(t, 200, status)
	tok := m["access_token"].(string)
	require.Equal(t, 200, withToken(t, b, tok))
	_, m = postForm(t, b, "/services/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {"cid"}, "client_secret": {"secret"}, "refresh_token": {"bogus"}})
	require.Equal(t, map[string]any{"error": "invalid_grant", "error_description": "expired access/refresh token"}, m)

	_, m = postForm(t, b, "/services/oauth2/token", url.Values{"grant_type": {"authorization_magic"}})
	require.Equal(t, "unsupported_grant_type", m["error"])

	// Revocation ends the session.
	status, _ = postForm(t, b, "/services/oauth2/revoke", url.Values{"token": {tok}})
	require.Equal(t, 200, status)
	require.Equal(t, 401, withToken(t, b, tok))
	require.Equal(t, 8, b.sim.Calls()["POST oauth2/token"])
	require.Equal(t, 1, b.sim.Calls()["POST oauth2/revoke"])
}

func signJWT(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		data, err := json.Marshal(v)
		require.NoError(t, err)
		return base64.RawURLEncoding.EncodeToString(data)
	}
	signing := enc(map[string]string{"alg": "RS256"}) + "." + enc(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	require.NoError(t, err)
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestOAuthJWTBearer(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "tandem"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	b := setup(t, Options{ClientID: "cid", Username: "int@example.com", JWTCertPEM: certPEM})
	exp := b.clock.Now().Add(3 * time.Minute).Unix()
	good := map[string]any{"iss": "cid", "sub": "int@example.com", "aud": "https://login.salesforce.com", "exp": exp}
	grant := func(assertion string) (int, map[string]any) {
		return postForm(t, b, "/services/oauth2/token", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}})
	}
	status, m := grant(signJWT(t, key, good))
	require.Equal(t, 200, status, m)
	require.NotContains(t, m, "refresh_token")
	require.Equal(t, 200, withToken(t, b, m["access_token"].(string)))

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	_, m = grant(signJWT(t, other, good))
	require.Equal(t, "invalid_grant", m["error"], "signature from another key")

	bad := func(k string, v any) map[string]any {
		c := map[string]any{}
		for kk, vv := range good {
			c[kk] = vv
		}
		c[k] = v
		return c
	}
	_, m = grant(signJWT(t, key, bad("aud", "https://example.com")))
	require.Equal(t, "audience is invalid", m["error_description"])
	_, m = grant(signJWT(t, key, bad("iss", "other")))
	require.Equal(t, "invalid_client_id", m["error"])
	_, m = grant(signJWT(t, key, bad("sub", "someone@example.com")))
	require.Equal(t, "user hasn't approved this consumer", m["error_description"])
	_, m = grant(signJWT(t, key, bad("exp", b.clock.Now().Add(-time.Minute).Unix())))
	require.Equal(t, "invalid_grant", m["error"])
	_, m = grant("not.a.jwt")
	require.Equal(t, "invalid_grant", m["error"])
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{TokenTTL: time.Hour})
	r := b.do(t, "GET", testBase+"/limits", nil)
	require.Equal(t, 200, r.status)
	b.clock.Advance(time.Hour)
	r = b.do(t, "GET", testBase+"/limits", nil)
	require.Equal(t, 401, r.status)
	require.Equal(t, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`, string(r.body))
	require.NotEmpty(t, r.header.Get("Sforce-Limit-Info"))
	fresh := b.sim.AccessToken()
	require.NotEqual(t, "test-token", fresh)
	require.Equal(t, 200, withToken(t, b, fresh))

	b.sim.Faults().ExpireTokens()
	require.Equal(t, 401, withToken(t, b, fresh))
	require.Equal(t, 200, withToken(t, b, b.sim.AccessToken()))
	require.Equal(t, 401, withToken(t, b, "never-issued"))
}

func TestFaults(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	f := b.sim.Faults()

	f.FailNext(1, Fault503)
	r := b.do(t, "GET", testBase+"/limits", nil)
	require.Equal(t, 503, r.status)
	require.Equal(t, "SERVER_UNAVAILABLE", r.errorCode(t))
	require.Equal(t, 200, b.do(t, "GET", testBase+"/limits", nil).status)

	f.FailNext(1, FaultRequestLimit)
	r = b.do(t, "GET", testBase+"/limits", nil)
	require.Equal(t, 403, r.status)
	require.Equal(t, "REQUEST_LIMIT_EXCEEDED", r.errorCode(t))

	// Row locks wait for a write and then hit it.
	f.FailNext(1, FaultRowLock)
	require.Equal(t, 200, b.do(t, "GET", testBase+"/limits", nil).status)
	r = b.do(t, "POST", testBase+"/sobjects/Account", map[string]any{"Name": "x"})
	require.Equal(t, 400, r.status)
	require.Equal(t, "UNABLE_TO_LOCK_ROW", r.errorCode(t))
	f.FailNext(1, FaultRowLock)
	r = b.do(t, "POST", testBase+"/composite/sobjects", map[string]any{"records": []any{leadRec("a", "b"), leadRec("c", "d")}})
	require.Equal(t, 200, r.status)
	res := r.json(t).([]any)
	require.Len(t, res, 2)
	require.Equal(t, "UNABLE_TO_LOCK_ROW", res[1].(map[string]any)["errors"].([]any)[0].(map[string]any)["statusCode"])
	require.Zero(t, b.sim.Count("Account"))
	require.Zero(t, b.sim.Count("Lead"))

	f.FailNext(1, FaultDropConnection)
	req, err := http.NewRequest("GET", b.ts.URL+testBase+"/limits", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer test-token")
	// A fresh connection, so net/http cannot transparently retry it.
	_, err = (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	require.Error(t, err)

	f.SetFailRate(1, Fault503)
	require.Equal(t, 503, b.do(t, "GET", testBase+"/limits", nil).status)
	f.SetFailRate(0, Fault503)
	require.Equal(t, 200, b.do(t, "GET", testBase+"/limits", nil).status)

	f.SetLatency(time.Millisecond)
	require.Equal(t, 200, b.do(t, "GET", testBase+"/limits", nil).status)
	f.Reset()
	// Injected failures are counted as calls but not as API usage.
	require.Equal(t, 8, b.sim.Calls()["GET limits"])
	used, _ := b.sim.APIUsage()
	require.Equal(t, 4, used)
}
