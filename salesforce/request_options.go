package salesforce

import "net/http"

// RequestOption adjusts a single request, for headers that differ from
// call to call. Options given to a call override the client's defaults
// (WithAutoAssign, WithCallOptions) for that call only.
type RequestOption func(*http.Request)

// AutoAssign sets the Sforce-Auto-Assign header of one write: TRUE lets the
// org's active assignment rule choose the owner of a record created or
// updated by the call, FALSE keeps the owner given (or the API user).
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_autoassign.htm
func AutoAssign(on bool) RequestOption {
	v := "FALSE"
	if on {
		v = "TRUE"
	}
	return func(r *http.Request) { r.Header.Set("Sforce-Auto-Assign", v) }
}

// CallOptions sets the Sforce-Call-Options header of one call, e.g.
// "client=tandem-bulk"; an empty value omits the header.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_calloptions.htm
func CallOptions(value string) RequestOption {
	return func(r *http.Request) {
		if value == "" {
			r.Header.Del("Sforce-Call-Options")
			return
		}
		r.Header.Set("Sforce-Call-Options", value)
	}
}

// WithHeader sets any header of one call. The Authorization header cannot
// be set this way: the client sets it from its token source on every
// attempt.
func WithHeader(key, value string) RequestOption {
	return func(r *http.Request) {
		if http.CanonicalHeaderKey(key) == "Authorization" {
			return
		}
		r.Header.Set(key, value)
	}
}

func applyOptions(req *http.Request, opts []RequestOption) {
	for _, opt := range opts {
		if opt != nil {
			opt(req)
		}
	}
}
