package salesforce

import (
	"net/http"
	"strconv"
	"strings"
)

// Response wraps the HTTP response of one API call and adds what Salesforce
// reports about the org's API allocation.
type Response struct {
	*http.Response

	// Limit is parsed from the Sforce-Limit-Info header; zero when absent.
	Limit LimitInfo
}

// LimitInfo is the org's API usage in the rolling 24 hours, as reported by
// the Sforce-Limit-Info header (api-usage=Used/Max).
type LimitInfo struct {
	Used int
	Max  int
}

// Remaining returns Max-Used, never below zero.
func (l LimitInfo) Remaining() int {
	return max(l.Max-l.Used, 0)
}

func newResponse(r *http.Response) *Response {
	return &Response{Response: r, Limit: ParseLimitInfo(r.Header.Get("Sforce-Limit-Info"))}
}

// ParseLimitInfo reads the api-usage entry of a Sforce-Limit-Info header value
// such as "api-usage=1523/15000; per-app-api-usage=17/250(appName=x)". It
// returns the zero value when the entry is missing or malformed.
func ParseLimitInfo(header string) LimitInfo {
	for part := range strings.FieldsFuncSeq(header, func(r rune) bool { return r == ';' || r == ',' }) {
		key, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || key != "api-usage" {
			continue
		}
		used, maxv, ok := strings.Cut(val, "/")
		if !ok {
			return LimitInfo{}
		}
		u, err1 := strconv.Atoi(strings.TrimSpace(used))
		m, err2 := strconv.Atoi(strings.TrimSpace(maxv))
		if err1 != nil || err2 != nil {
			return LimitInfo{}
		}
		return LimitInfo{Used: u, Max: m}
	}
	return LimitInfo{}
}
