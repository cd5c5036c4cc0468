//go:build !unix

package app

import "os"

// processGone cannot tell on this platform; leases simply expire.
func processGone(string) bool { return false }

// hostKey is the host name.
func hostKey() string {
	host, _ := os.Hostname()
	return host
}
