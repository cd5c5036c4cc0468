package salesforce

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Token is an OAuth access token and the org instance it is valid for.
// Its printed and logged forms hide the access token.
type Token struct {
	AccessToken string
	// InstanceURL is where data calls go; it overrides WithInstanceURL.
	InstanceURL string
	// Expiry is when the token stops working; zero means unknown, which is
	// the norm for Salesforce (the client re-authenticates on 401).
	Expiry time.Time
}

// String hides the access token.
func (t *Token) String() string {
	if t == nil {
		return "<nil>"
	}
	return fmt.Sprintf("Token{InstanceURL: %q, AccessToken: %s}", t.InstanceURL, redacted)
}

// GoString hides the access token from %#v.
func (t *Token) GoString() string { return t.String() }

// LogValue hides the access token from slog.
func (t *Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("instance_url", t.InstanceURL), slog.String("access_token", redacted))
}

// TokenSource supplies access tokens. Implementations are safe for
// concurrent use.
type TokenSource interface {
	// Token returns a valid token, fetching one when none is cached.
	Token(ctx context.Context) (*Token, error)
	// Invalidate drops stale from the cache (when it is still the cached
	// token), so that the next Token call fetches a new one. The client calls
	// it once when Salesforce answers 401 INVALID_SESSION_ID.
	Invalidate(stale *Token)
}

type staticTokenSource struct{ tok *Token }

// StaticTokenSource always returns the same token. instanceURL may be empty
// when the client is given WithInstanceURL.
func StaticTokenSource(accessToken, instanceURL string) TokenSource {
	return &staticTokenSource{tok: &Token{AccessToken: accessToken, InstanceURL: instanceURL}}
}

func (s *staticTokenSource) Token(context.Context) (*Token, error) { return s.tok, nil }
func (s *staticTokenSource) Invalidate(*Token)                     {}

// OAuthConfig describes a connected app (or external client app) and the
// token endpoint it authenticates against.
type OAuthConfig struct {
	// LoginURL is https://login.salesforce.com, https://test.salesforce.com
	// or the org's My Domain URL (required for client credentials). Tokens
	// are requested from LoginURL + /services/oauth2/token.
	LoginURL string
	// ClientID is the consumer key.
	ClientID string
	// ClientSecret is the consumer secret (not used by the JWT flow).
	ClientSecret string
	// Audience is the JWT aud claim; it defaults to LoginURL.
	Audience string
	// HTTPClient defaults to a client with a 30-second timeout.
	HTTPClient *http.Client
	// Now defaults to time.Now; it dates JWT assertions.
	Now func() time.Time
}

// ClientCredentials returns a source using the client_credentials grant.
func (cfg OAuthConfig) ClientCredentials() TokenSource {
	return cfg.cached(func() url.Values {
		return url.Values{
			"grant_type":    {"client_credentials"},
			"client_id":     {cfg.ClientID},
			"client_secret": {cfg.ClientSecret},
		}
	}, cfg.ClientSecret)
}

// RefreshToken returns a source using the refresh_token grant with a refresh
// token obtained once through the web-server flow.
func (cfg OAuthConfig) RefreshToken(refreshToken string) TokenSource {
	return cfg.cached(func() url.Values {
		v := url.Values{
			"grant_type":    {"refresh_token"},
			"refresh_token": {refreshToken},
			"client_id":     {cfg.ClientID},
		}
		if cfg.ClientSecret != "" {
			v.Set("client_secret", cfg.ClientSecret)
		}
		return v
	}, cfg.ClientSecret, refreshToken)
}

// Password returns a source using the legacy username-password grant;
// password is the user's password followed by its security token. Many orgs
// block this flow; prefer JWT.
func (cfg OAuthConfig) Password(username, password string) TokenSource {
	return cfg.cached(func() url.Values {
		return url.Values{
			"grant_type":    {"password"},
			"client_id":     {cfg.ClientID},
			"client_secret": {cfg.ClientSecret},
			"username":      {username},
			"password":      {password},
		}
	}, cfg.ClientSecret, password)
}

// JWT returns a source using the JWT bearer grant: each fetch signs a fresh
// assertion (RS256, iss = ClientID, sub = username, aud = Audience or
// LoginURL, exp = now + 3 minutes) with the RSA private key in keyPEM
// (PKCS#1 or PKCS#8).
func (cfg OAuthConfig) JWT(username string, keyPEM []byte) (TokenSource, error) {
	key, err := parseRSAKey(keyPEM)
	if err != nil {
		return nil, err
	}
	aud := cfg.Audience
	if aud == "" {
		aud = strings.TrimRight(cfg.LoginURL, "/")
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	var lastAssertion string
	return cfg.cached(func() url.Values {
		assertion, err := signJWT(key, map[string]any{
			"iss": cfg.ClientID,
			"sub": username,
			"aud": aud,
			"exp": now().Add(3 * time.Minute).Unix(),
		})
		if err != nil {
			return nil
		}
		lastAssertion = assertion
		return url.Values{
			"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"},
			"assertion":  {assertion},
		}
	}, func() string { return lastAssertion }), nil
}

func parseRSAKey(keyPEM []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, errors.New("salesforce: JWT key: no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("salesforce: JWT key: not an RSA private key in PKCS#1 or PKCS#8 form")
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("salesforce: JWT key: not an RSA key")
	}
	return rk, nil
}

func signJWT(key *rsa.PrivateKey, claims map[string]any) (string, error) {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`))
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signingInput := header + "." + enc.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signingInput))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signingInput + "." + enc.EncodeToString(sig), nil
}

// cached builds a caching source posting form() to the token endpoint.
// secrets are redacted from errors; a func() string secret is evaluated
// when the error is built.
func (cfg OAuthConfig) cached(form func() url.Values, secrets ...any) TokenSource {
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	endpoint := strings.TrimRight(cfg.LoginURL, "/") + "/services/oauth2/token"
	return &cachingTokenSource{fetch: func(ctx context.Context) (*Token, error) {
		values := form()
		if values == nil {
			return nil, errors.New("salesforce: could not build token request")
		}
		var plain []string
		for _, s := range secrets {
			switch s := s.(type) {
			case string:
				plain = append(plain, s)
			case func() string:
				plain = append(plain, s())
			}
		}
		return requestToken(ctx, hc, endpoint, values, plain)
	}}
}

type cachingTokenSource struct {
	mu    sync.Mutex
	tok   *Token
	fetch func(context.Context) (*Token, error)
}

func (s *cachingTokenSource) Token(ctx context.Context) (*Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && (s.tok.Expiry.IsZero() || time.Until(s.tok.Expiry) > 10*time.Second) {
		return s.tok, nil
	}
	tok, err := s.fetch(ctx)
	if err != nil {
		return nil, err
	}
	s.tok = tok
	return tok, nil
}

func (s *cachingTokenSource) Invalidate(stale *Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok != nil && (stale == nil || s.tok.AccessToken == stale.AccessToken) {
		s.tok = nil
	}
}

type tokenResponse struct {
	AccessToken      string `json:"access_token"`
	InstanceURL      string `json:"instance_url"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

func requestToken(ctx context.Context, hc *http.Client, endpoint string, form url.Values, secrets []string) (*Token, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("salesforce: token request: %w", redactErr(err, secrets...))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("salesforce: token request: %w", redactErr(err, secrets...))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBodySize))
	if err != nil {
		return nil, fmt.Errorf("salesforce: token response: %w", err)
	}
	var tr tokenResponse
	jsonErr := json.Unmarshal(body, &tr)
	if resp.StatusCode != http.StatusOK || tr.AccessToken == "" {
		ae := &AuthError{StatusCode: resp.StatusCode, Code: tr.Error, Description: redact(tr.ErrorDescription, secrets...)}
		if jsonErr != nil || (ae.Code == "" && ae.Description == "") {
			ae.Description = "unexpected token endpoint response"
		}
		return nil, ae
	}
	return &Token{AccessToken: tr.AccessToken, InstanceURL: tr.InstanceURL}, nil
}
