package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMemoryLimit(t *testing.T) {
	t.Parallel()
	const mib = 1 << 20
	for _, tc := range []struct {
		name   string
		limits []string
		want   int64
	}{
		{"no control group", nil, 192 * mib},
		{"cgroup v2 without a limit", []string{"max\n"}, 192 * mib},
		{"a 256 MiB container", []string{"268435456\n"}, 128 * mib},
		{"a 1 GiB container", []string{"1073741824\n"}, 192 * mib},
		{"cgroup v1 without a limit", []string{"9223372036854771712\n"}, 192 * mib},
		{"both files, the smaller wins", []string{"max\n", "201326592\n"}, 96 * mib},
		{"unreadable contents", []string{"", "garbage", "-1"}, 192 * mib},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, memoryLimit(tc.limits...))
		})
	}
}
