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
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
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

// Visit opens url and waits until the page (or the page it leads to) has
// loaded and the CSS selector sel matches a visible element, each try
// bounded by 30 s. It does not wait for the load event through chromedp,
// which on a busy machine can miss the event of a page that did load and
// then wait for good: it asks the page itself, every 50 ms, whether a new
// document is complete and shows sel. A failed try is logged and made once
// more; when both fail, the test fails with what the page shows.
func Visit(t *testing.T, ctx context.Context, url, sel string) {
	t.Helper()
	var err error
	for try := 1; try <= 2; try++ {
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err = visit(tctx, url, sel)
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

// visit is one try of Visit.
func visit(ctx context.Context, url, sel string) error {
	// The document before the navigation, told apart by its time origin.
	before, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.timeOrigin`))
	if err != nil {
		return err
	}
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		res, err := cdp.Call(ctx, t, page.Navigate, page.NavigateParams{URL: url})
		if err == nil && res.ErrorText != "" {
			err = errors.New(res.ErrorText)
		}
		return err
	}))
	if err != nil {
		return err
	}
	shown := fmt.Sprintf(`(() => {
		if (performance.timeOrigin === %v || document.readyState !== "complete") return false;
		const e = document.querySelector(%q);
		if (!e) return false;
		const r = e.getBoundingClientRect();
		return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden";
	})()`, before, sel)
	for {
		// An evaluation may fail while the document is being replaced;
		// the next one asks the new document.
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](shown)); err == nil && ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
