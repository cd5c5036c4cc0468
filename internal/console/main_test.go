package console_test

import (
	"os"
	"testing"

	"github.com/tandemhq/tandem/internal/browsertest"
)

// TestMain runs the tests with the one Chromium the browser tests share
// (internal/browsertest).
func TestMain(m *testing.M) { os.Exit(browsertest.Main(m)) }
