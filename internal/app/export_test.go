package app

import "fmt"

// ProcessName is the name a process of this host with pid has, as the job
// queue's client ids and the intents' holders carry it.
func ProcessName(pid int) string { return fmt.Sprintf("%s/%d/x", hostKey(), pid) }

// NewTransport is the transport of the vendor clients' default HTTP client.
var NewTransport = newTransport
