package sfsim

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"time"
)

// jwtKey extracts the RSA public key from a certificate or PKIX key PEM.
func jwtKey(pemBytes []byte) *rsa.PublicKey {
	for {
		var block *pem.Block
		block, pemBytes = pem.Decode(pemBytes)
		if block == nil {
			return nil
		}
		switch block.Type {
		case "CERTIFICATE":
			if cert, err := x509.ParseCertificate(block.Bytes); err == nil {
				if k, ok := cert.PublicKey.(*rsa.PublicKey); ok {
					return k
				}
			}
		case "PUBLIC KEY":
			if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
				if rk, ok := k.(*rsa.PublicKey); ok {
					return rk
				}
			}
		case "RSA PUBLIC KEY":
			if k, err := x509.ParsePKCS1PublicKey(block.Bytes); err == nil {
				return k
			}
		}
	}
}

// verifyJWT checks a JWT bearer assertion the way Salesforce does.
func (s *Server) verifyJWT(r *http.Request, assertion string) (string, response, bool) {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return "", oauthErr("invalid_grant", "invalid assertion"), false
	}
	hdrJSON, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	claimsJSON, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return "", oauthErr("invalid_grant", "invalid assertion"), false
	}
	var hdr struct {
		Alg string `json:"alg"`
	}
	var claims struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp float64         `json:"exp"`
	}
	if json.Unmarshal(hdrJSON, &hdr) != nil || json.Unmarshal(claimsJSON, &claims) != nil {
		return "", oauthErr("invalid_grant", "invalid assertion"), false
	}
	if hdr.Alg != "RS256" {
		return "", oauthErr("invalid_grant", "invalid assertion"), false
	}
	key := jwtKey(s.opts.JWTCertPEM)
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if key == nil || rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig) != nil {
		return "", oauthErr("invalid_grant", "invalid assertion"), false
	}
	if claims.Iss != s.opts.ClientID {
		return "", oauthErr("invalid_client_id", "client identifier invalid"), false
	}
	var auds []string
	if json.Unmarshal(claims.Aud, &auds) != nil {
		var one string
		_ = json.Unmarshal(claims.Aud, &one)
		auds = []string{one}
	}
	audOK := false
	for _, a := range auds {
		a = strings.TrimRight(a, "/")
		if a == "https://login.salesforce.com" || a == "https://test.salesforce.com" || a == s.instanceURL(r) {
			audOK = true
		}
	}
	if !audOK {
		return "", oauthErr("invalid_grant", "audience is invalid"), false
	}
	if claims.Exp == 0 || time.Unix(int64(claims.Exp), 0).Before(s.now()) {
		return "", oauthErr("invalid_grant", "expired authorization code"), false
	}
	user := ""
	for _, u := range s.objects["user"].tbl.rows {
		if strings.EqualFold(getStr(u.obj, u.vals, "Username"), claims.Sub) && u.vals[u.obj.field("IsActive").idx] == true {
			user = u.id
		}
	}
	if user == "" {
		return "", oauthErr("invalid_grant", "user hasn't approved this consumer"), false
	}
	return user, response{}, true
}
