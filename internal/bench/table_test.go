package bench

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteTableThroughputTarget(t *testing.T) {
	t.Parallel()
	line := func(r Result) string {
		var buf bytes.Buffer
		require.NoError(t, r.WriteTable(&buf))
		for l := range strings.Lines(buf.String()) {
			if strings.Contains(l, "write throughput") {
				return l
			}
		}
		t.Fatal("no write throughput line")
		return ""
	}
	require.Contains(t, line(Result{IntercomLimitBinding: true, IntercomThroughputMet: true}), ": met")
	require.Contains(t, line(Result{IntercomLimitBinding: true, IntercomThroughput: 0.5}), ": NOT met")
	idle := line(Result{IntercomLimitBinding: false, IntercomThroughput: 0.1})
	require.NotContains(t, idle, "NOT met")
	require.Contains(t, idle, "not applicable")
}
