package app_test

import (
	"flag"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/tandemhq/tandem/internal/browsertest"
)

// TestMain runs twice as many of this package's tests at once as go test's
// default (-test.parallel is GOMAXPROCS): each one starts a whole demo and
// spends most of its time waiting (for the job queue's fetches, for
// webhooks, for the simulators over HTTP), so the package needs about a
// third of the CPU time its tests take one after another. Four times as
// many made the Postgres variants time out on a loaded machine. An explicit
// -test.parallel is kept. The browser tests share one Chromium
// (internal/browsertest).
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", strconv.Itoa(2*runtime.GOMAXPROCS(0)))
	}
	os.Exit(browsertest.Main(m))
}

// quickRetries retries a failed job after 20 ms, doubling up to 320 ms,
// where jobs.RetryPolicy waits a second, doubling up to ten minutes. The
// fault suite makes jobs fail on purpose and checks where they end, not
// how long they wait; jobs.RetryPolicy has its own test.
type quickRetries struct{}

func (quickRetries) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(20 * time.Millisecond << min(job.Attempt-1, 4))
}

// testQueue is app.Options.River for the tests: quick retries, and River's
// TestOnly mode, in which the leader starts the periodic jobs (the polls) at
// once instead of after a random pause of up to a second.
func testQueue(c *river.Config) {
	c.RetryPolicy = quickRetries{}
	c.TestOnly = true
}
