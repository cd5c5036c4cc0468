package store

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A kept list of a full chunk is the list values builds, on each engine,
// and a partial chunk's is built as it is asked for.
func TestChunkValuesAreValues(t *testing.T) {
	t.Parallel()
	for _, sqlite := range []bool{true, false} {
		q := &queries{sqlite: sqlite}
		for range 2 { // built, then kept
			require.Equal(t, q.values(1, 3, 2), q.chunkValues(3, 3, 2))
			require.Equal(t, q.values(1, 2, 2), q.chunkValues(2, 3, 2))
		}
	}
	require.Equal(t, "(?, ?), (?, ?)", (&queries{sqlite: true}).chunkValues(2, 2, 2))
	require.Equal(t, "($1, $2), ($3, $4)", (&queries{}).chunkValues(2, 2, 2))
}
