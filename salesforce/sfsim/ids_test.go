package sfsim

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTo18(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"001A0000006Vm9r", "001A0000006Vm9rIAC", true},
		{"003000000000000", "003000000000000AAA", true},
		{"00QABCDEabcdeAB", "00QABCDEabcdeAB2HY", true},
		{"001A0000006Vm9rIAC", "001A0000006Vm9rIAC", true},
		// Case lost in transit is restored from the checksum.
		{"001a0000006vm9riac", "001A0000006Vm9rIAC", true},
		{"001A0000006Vm9", "", false},
		{"001A0000006Vm9r!", "", false},
		{"001A0000006Vm9r-AC", "", false},
	}
	for _, c := range cases {
		got, ok := To18(c.in)
		require.Equal(t, c.ok, ok, c.in)
		require.Equal(t, c.want, got, c.in)
	}
}

func TestNewIDHasPrefixAndChecksum(t *testing.T) {
	t.Parallel()
	id := newID("00Q", 123456)
	require.Len(t, id, 18)
	require.Equal(t, "00Q", id[:3])
	again, ok := To18(id[:15])
	require.True(t, ok)
	require.Equal(t, id, again)
}
