package sfsim

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConcurrentUse drives the handler and the state handle from several
// goroutines at once; run with -race.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				r := b.do(t, "POST", testBase+"/sobjects/Account", map[string]any{"Name": fmt.Sprintf("A%d-%d", g, i)})
				require.Equal(t, 201, r.status)
				_, err := b.sim.Insert("Contact", map[string]any{"LastName": fmt.Sprintf("C%d-%d", g, i)})
				require.NoError(t, err)
				require.Equal(t, 200, b.query(t, "SELECT Id, Owner.Name FROM Account ORDER BY Name").status)
				b.sim.Calls()
				b.sim.APIUsage()
			}
		}()
	}
	wg.Wait()
	require.Equal(t, 40, b.sim.Count("Account"))
	require.Equal(t, 40, b.sim.Count("Contact"))
	require.Equal(t, 40, b.sim.Calls()["POST sobjects/Account"])
}
