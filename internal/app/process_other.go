//go:build !unix

package app

import (
	"os"
	"sync"
)

// processGone cannot tell on this platform; leases simply expire.
func processGone(string) bool { return false }

// hostKey is the host name, read once.
var hostKey = sync.OnceValue(func() string {
	host, _ := os.Hostname()
	return host
})
