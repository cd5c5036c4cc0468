package app

import (
	"fmt"
	"os"
)

// processID names this process among the replicas of an installation:
// host and pid. The engine records it in the leases it takes; processGone
// reads it back.
func processID() string {
	return fmt.Sprintf("%s/%d", hostKey(), os.Getpid())
}
