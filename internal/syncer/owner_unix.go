//go:build unix

package syncer

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// ownerDead reports whether a bulk sync lease owner names a process of this
// host that no longer runs.
func ownerDead(owner string) bool {
	host, rest, ok := strings.Cut(owner, "/")
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
