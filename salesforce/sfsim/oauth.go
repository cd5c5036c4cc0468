package sfsim

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

func oauthErr(code, desc string) response {
	b := []byte(`{"error":`)
	b = appendString(b, code)
	b = append(b, `,"error_description":`...)
	b = appendString(b, desc)
	b = append(b, '}')
	return jsonResp(http.StatusBadRequest, b)
}

func (s *Server) instanceURL(r *http.Request) string {
	if s.opts.InstanceURL != "" {
		return strings.TrimRight(s.opts.InstanceURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func randomToken(prefix string) string {
	var b [30]byte
	_, _ = rand.Read(b[:])
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// AccessToken returns a valid access token for the integration user: the
// configured Token while it is valid, else a freshly issued one.
func (s *Server) AccessToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tokens[s.opts.Token]; t != nil && (t.expires.IsZero() || s.now().Before(t.expires)) {
		return s.opts.Token
	}
	tok := randomToken(s.orgID[:15] + "!AQ")
	s.tokens[tok] = s.newTokenInfo(s.defaultUser)
	return tok
}

// IssueRefreshToken returns a refresh token for the integration user, as the
// web-server flow would grant with the refresh_token scope.
func (s *Server) IssueRefreshToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := randomToken("5Aep")
	s.refresh[rt] = s.defaultUser
	return rt
}

// ExpireTokens invalidates every access token issued so far, the configured
// Token included: the next API call answers 401 INVALID_SESSION_ID. Refresh
// tokens stay valid.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]*tokenInfo{}
}

func (s *Server) serveOAuth(r *http.Request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/services/oauth2/"), "/")
	s.calls[r.Method+" oauth2/"+p]++
	switch p {
	case "token":
		if r.Method != http.MethodPost {
			return methodNotAllowed(r.Method, "POST")
		}
		if err := r.ParseForm(); err != nil {
			return oauthErr("invalid_request", "malformed request body")
		}
		return s.token(r, r.PostForm)
	case "revoke":
		if err := r.ParseForm(); err != nil {
			return oauthErr("invalid_request", "malformed request body")
		}
		tok := r.Form.Get("token")
		if _, ok := s.tokens[tok]; ok {
			delete(s.tokens, tok)
			return response{status: 200}
		}
		if _, ok := s.refresh[tok]; ok {
			delete(s.refresh, tok)
			return response{status: 200}
		}
		return oauthErr("invalid_token", "invalid token")
	case "userinfo":
		user, ok := s.authenticate(r)
		if !ok {
			return jsonResp(http.StatusForbidden, []byte(`"Bad_OAuth_Token"`))
		}
		return s.identity(r, user)
	}
	return errResp(notFound())
}

func (s *Server) token(r *http.Request, form url.Values) response {
	grant := form.Get("grant_type")
	var user string
	var refresh string
	switch grant {
	case "client_credentials":
		if res, ok := s.checkClient(form); !ok {
			return res
		}
		user = s.defaultUser
	case "password":
		if res, ok := s.checkClient(form); !ok {
			return res
		}
		if form.Get("username") != s.opts.Username || form.Get("password") != s.opts.Password {
			return oauthErr("invalid_grant", "authentication failure")
		}
		user = s.defaultUser
	case "refresh_token":
		if res, ok := s.checkClient(form); !ok {
			return res
		}
		u, ok := s.refresh[form.Get("refresh_token")]
		if !ok {
			return oauthErr("invalid_grant", "expired access/refresh token")
		}
		user = u
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		u, res, ok := s.verifyJWT(r, form.Get("assertion"))
		if !ok {
			return res
		}
		user = u
	case "":
		return oauthErr("unsupported_grant_type", "grant type not supported")
	default:
		return oauthErr("unsupported_grant_type", "grant type not supported")
	}
	tok := randomToken(s.orgID[:15] + "!AQ")
	s.tokens[tok] = s.newTokenInfo(user)
	inst := s.instanceURL(r)
	id := inst + "/id/" + s.orgID + "/" + user
	issued := strconv.FormatInt(s.now().UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(s.opts.ClientSecret))
	mac.Write([]byte(id + issued))
	b := []byte(`{"access_token":`)
	b = appendString(b, tok)
	if refresh != "" {
		b = append(b, `,"refresh_token":`...)
		b = appendString(b, refresh)
	}
	b = append(b, `,"signature":`...)
	b = appendString(b, base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	b = append(b, `,"scope":"api","instance_url":`...)
	b = appendString(b, inst)
	b = append(b, `,"id":`...)
	b = appendString(b, id)
	b = append(b, `,"token_type":"Bearer","issued_at":`...)
	b = appendString(b, issued)
	b = append(b, '}')
	return jsonResp(http.StatusOK, b)
}

func (s *Server) checkClient(form url.Values) (response, bool) {
	if form.Get("client_id") != s.opts.ClientID {
		return oauthErr("invalid_client_id", "client identifier invalid"), false
	}
	if form.Get("client_secret") != s.opts.ClientSecret {
		return oauthErr("invalid_client", "invalid client credentials"), false
	}
	return response{}, true
}

func (s *Server) serveIdentity(r *http.Request) response {
	s.mu.Lock()
	defer s.mu.Unlock()
	user, ok := s.authenticate(r)
	if !ok {
		return jsonResp(http.StatusForbidden, []byte(`"Bad_OAuth_Token"`))
	}
	return s.identity(r, user)
}

func (s *Server) identity(r *http.Request, user string) response {
	u := s.objects["user"].tbl.byID[user]
	if u == nil || u.deleted {
		return jsonResp(http.StatusForbidden, []byte(`"Bad_OAuth_Token"`))
	}
	inst := s.instanceURL(r)
	str := func(name string) string { return getStr(u.obj, u.vals, name) }
	b := []byte(`{"id":`)
	b = appendString(b, inst+"/id/"+s.orgID+"/"+user)
	b = append(b, `,"user_id":`...)
	b = appendString(b, user)
	b = append(b, `,"organization_id":`...)
	b = appendString(b, s.orgID)
	b = append(b, `,"username":`...)
	b = appendString(b, str("Username"))
	b = append(b, `,"display_name":`...)
	b = appendString(b, str("Name"))
	b = append(b, `,"email":`...)
	b = appendString(b, str("Email"))
	b = append(b, `,"active":true,"user_type":"STANDARD","urls":{"rest":`...)
	b = appendString(b, inst+"/services/data/v{version}/")
	b = append(b, `,"sobjects":`...)
	b = appendString(b, inst+"/services/data/v{version}/sobjects/")
	b = append(b, `,"query":`...)
	b = appendString(b, inst+"/services/data/v{version}/query/")
	b = append(b, `}}`...)
	return jsonResp(http.StatusOK, b)
}
