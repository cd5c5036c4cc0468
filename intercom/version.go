package intercom

import (
	"encoding/json"
	"strconv"
	"strings"
)

// versionBefore reports whether Intercom-Version v is older than
// major.minor. Non-numeric versions ("Unstable", "Preview") count as newest.
func versionBefore(v string, major, minor int) bool {
	maj, min, ok := strings.Cut(strings.TrimSpace(v), ".")
	if !ok {
		return false
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	if err1 != nil || err2 != nil {
		return false
	}
	return a < major || (a == major && b < minor)
}

// OwnerIDUsesInteger reports whether Intercom-Version v encodes a contact's
// owner_id as a JSON integer (2.15 and older) rather than a string (2.16+).
func OwnerIDUsesInteger(v string) bool { return versionBefore(v, 2, 16) }

// EncodeOwnerID renders an admin id as owner_id for Intercom-Version v:
// null when id is empty, an integer up to 2.15 (when id is numeric), a
// string from 2.16 on.
func EncodeOwnerID(id, version string) json.RawMessage {
	if id == "" {
		return json.RawMessage("null")
	}
	if OwnerIDUsesInteger(version) {
		if _, err := strconv.ParseInt(id, 10, 64); err == nil {
			return json.RawMessage(id)
		}
	}
	b, _ := json.Marshal(id)
	return b
}
