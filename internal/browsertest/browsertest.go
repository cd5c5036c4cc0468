// Package browsertest runs headless Chromium for the browser tests of the
// inbox panel and the admin console: one browser per test binary, a
// browser context of its own per test. Only tests import it.
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
	"sync"
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

// Main runs the tests of a package whose tests call Start, then stops the
// Chromium they shared. Call it from the package's TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(browsertest.Main(m)) }
func Main(m *testing.M) int {
	shared.mu.Lock()
	shared.managed = true
	shared.mu.Unlock()
	code := m.Run()
	shared.stop()
	return code
}

// shared is the one Chromium of a test binary. Starting one costs about
// four seconds of CPU time (a fresh profile, a dozen processes); a new
// browser context in a running one about a second, and it keeps cookies
// and storage apart just the same.
var shared browser

type browser struct {
	mu      sync.Mutex
	managed bool // Main runs the tests, and stops the browser after them
	ctx     context.Context
	cancel  func()
	dir     string
	err     error
}

// start returns the context of the running Chromium, starting it the
// first time.
func (b *browser) start(path string) (context.Context, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.managed {
		return nil, errors.New("browsertest.Start needs the package's TestMain to run its tests through browsertest.Main")
	}
	if b.ctx != nil || b.err != nil {
		return b.ctx, b.err
	}
	if b.dir, b.err = os.MkdirTemp("", "tandem-chromium-"); b.err != nil {
		return nil, b.err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
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
		chromedp.UserDataDir(b.dir),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	b.cancel = func() { cancelCtx(); cancelAlloc() }
	// The first action starts the browser, which lives as long as the
	// context it ran on: no deadline on that one, a timer instead.
	timer := time.AfterFunc(time.Minute, b.cancel)
	b.err = chromedp.Do(ctx)
	if !timer.Stop() && b.err == nil {
		b.err = errors.New("Chromium took over a minute to start")
	}
	if b.err != nil {
		b.cancel()
		b.err = fmt.Errorf("start Chromium: %w", b.err)
		return nil, b.err
	}
	b.ctx = ctx
	return ctx, nil
}

// stop stops the browser, if it started, and removes its profile.
func (b *browser) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel != nil {
		b.cancel()
	}
	if b.dir != "" {
		_ = os.RemoveAll(b.dir)
	}
}

// Start opens a tab of width × height in a browser context of its own (no
// cookies or storage shared with other tests) of the test binary's
// Chromium, and returns a context for chromedp actions on it. The tab and
// its browser context close when the test ends, or after timeout.
func Start(t *testing.T, width, height int, timeout time.Duration) context.Context {
	t.Helper()
	bctx, err := shared.start(Chromium(t))
	require.NoError(t, err)
	ctx, cancelCtx := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancelCtx() })
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))), "open a tab")
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
