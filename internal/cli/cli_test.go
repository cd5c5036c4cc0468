package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func run(args ...string) (code int, out, errOut string) {
	var o, e bytes.Buffer
	code = Run(context.Background(), args, func(string) string { return "" }, &o, &e)
	return code, o.String(), e.String()
}

func TestHelpAndUsage(t *testing.T) {
	t.Parallel()
	code, out, _ := run("help")
	require.Zero(t, code)
	for _, name := range []string{"serve", "demo", "sync", "lead", "errors", "migrate", "sim", "bench", "version"} {
		require.Contains(t, out, "  "+name+" ", "help lists %s", name)
	}
	code, _, errOut := run("frobnicate")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `unknown command "frobnicate"`)

	// Every command answers -h with its usage and exit code 0.
	for _, args := range [][]string{{"serve", "-h"}, {"sync", "-h"}, {"migrate", "-h"}, {"demo", "-h"}, {"lead", "-h"},
		{"lead", "create", "-h"}, {"errors", "-h"}, {"errors", "retry", "-h"}, {"sim", "-h"}, {"sim", "intercom", "-h"},
		{"sim", "salesforce", "-h"}, {"bench", "-h"}} {
		code, out, errOut := run(args...)
		require.Zero(t, code, "%v: %s%s", args, out, errOut)
		require.Contains(t, strings.ToLower(out+errOut), "usage", "%v", args)
	}
}

func TestConfigErrorsExitOne(t *testing.T) {
	t.Parallel()
	code, _, errOut := run("sync")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "admin_token: required")
	require.Contains(t, errOut, "intercom.token: required")

	code, _, errOut = run("lead", "create")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "--intercom-id is required")

	code, _, errOut = run("demo", "--poll-interval", "0s")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "--poll-interval must be positive")
}
