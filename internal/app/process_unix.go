//go:build unix

package app

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// processGone reports whether holder (which starts with a processID) names
// a process of this host that no longer runs.
func processGone(holder string) bool {
	host, rest, ok := strings.Cut(holder, "/")
	if me, _ := os.Hostname(); !ok || host != me {
		return false
	}
	pidStr, _, _ := strings.Cut(rest, "/")
	pid, err := strconv.Atoi(pidStr)
	if err != nil || pid <= 0 {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
