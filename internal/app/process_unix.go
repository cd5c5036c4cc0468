//go:build unix

package app

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// hostKey names the set of processes whose pids this process can check:
// the host name and the pid namespace. Containers that share a host name
// (set alike for every replica, say) still see each other's pids as
// absent; the namespace keeps a live replica in another container from
// being taken for dead. It is read once: processGone asks for it for
// every job and intent it checks.
var hostKey = sync.OnceValue(func() string {
	host, _ := os.Hostname()
	if ns, err := os.Readlink("/proc/self/ns/pid"); err == nil {
		host += "~" + strings.TrimSuffix(strings.TrimPrefix(ns, "pid:["), "]")
	}
	return host
})

// processGone reports whether holder (which starts with a processID) names
// a process of this host and pid namespace that no longer runs.
func processGone(holder string) bool {
	host, rest, ok := strings.Cut(holder, "/")
	if !ok || host != hostKey() {
		return false
	}
	pidStr, _, _ := strings.Cut(rest, "/")
	pid, err := strconv.Atoi(pidStr)
	if err != nil || pid <= 0 {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
