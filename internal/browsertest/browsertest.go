// Package browsertest starts headless Chromium for the browser tests of
// the inbox panel and the admin console. Only tests import it.
//
// The tests need Debian's chromium (apt-get install -y chromium), or the
// binary named by TANDEM_CHROMIUM. Without it they skip, naming what is
// missing; with TANDEM_REQUIRE_BROWSER=1 (as .ci/run sets, after
// installing Chromium) they fail instead.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// Environment variables of the browser tests.
const (
	// EnvRequire=1 makes a missing Chromium a failure.
	EnvRequire = "TANDEM_REQUIRE_BROWSER"
	// EnvChromium names the Chromium binary to use.
	EnvChromium = "TANDEM_CHROMIUM"
)

// Chromium returns the path of the Chromium binary, or skips the test
// (fails it under TANDEM_REQUIRE_BROWSER=1) when there is none.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, c := range []string{os.Getenv(EnvChromium), "chromium", "chromium-browser", "google-chrome"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	msg := "Chromium is missing (looked for $" + EnvChromium + ", chromium, chromium-browser and google-chrome on PATH); " +
		"the browser tests need it: apt-get install -y chromium"
	if os.Getenv(EnvRequire) == "1" {
		t.Fatal(msg + " (" + EnvRequire + "=1 makes this a failure)")
	}
	t.Skip(msg)
	return ""
}

// Start starts a headless Chromium with a fresh profile and a window of
// width × height, and returns a context for chromedp actions. Everything
// stops when the test ends, or after timeout.
func Start(t *testing.T, width, height int, timeout time.Duration) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// The machine's network is closed: no background connections.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	require.NoError(t, chromedp.Do(ctx), "start Chromium")
	return ctx
}

// Visit opens url and waits until sel is visible, each try bounded by
// 30 s. On a busy machine chromedp can miss the load event of a page that
// did load, and the navigation then waits for good; such a try is logged
// and made once more. When both fail, the test fails with what the page
// shows.
func Visit(t *testing.T, ctx context.Context, url, sel string) {
	t.Helper()
	var err error
	for try := 1; try <= 2; try++ {
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = chromedp.Do(tctx, chromedp.Navigate(url), chromedp.WaitVisible(sel))
		cancel()
		if err == nil {
			return
		}
		t.Logf("visit %s (try %d): %v", url, try, err)
	}
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	shown, serr := chromedp.Run(tctx, chromedp.Evaluate[string](
		`document.readyState + " " + location.href + "\n" + (document.body ? document.body.innerText.slice(0, 800) : "")`))
	if serr != nil {
		shown = "(the page could not be read: " + serr.Error() + ")"
	}
	t.Fatalf("visit %s: %s never became visible: %v; the page shows: %s", url, sel, err, shown)
}
