package sfsim

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLightningRecordPage(t *testing.T) {
	t.Parallel()
	b := setup(t, Options{})
	acct, err := b.sim.Insert("Account", map[string]any{"Name": "Acme <Labs>"})
	require.NoError(t, err)
	cs, err := b.sim.Insert("Case", map[string]any{"Subject": "Login broken", "AccountId": acct, "Description": "line one\nline two"})
	require.NoError(t, err)

	res, err := http.Get(b.ts.URL + LightningURL("Case", cs))
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode)
	require.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "text/html"))
	page := string(body)
	require.Contains(t, page, "<h1>00001001</h1>")
	require.Contains(t, page, `<td data-field="Subject">Login broken</td>`)
	require.Contains(t, page, "line one\nline two")
	require.Contains(t, page, `<a href="`+LightningURL("Account", acct)+`">Acme &lt;Labs&gt;</a>`)

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = client.Get(b.ts.URL + "/" + cs[:15])
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	require.Equal(t, LightningURL("Case", cs), res.Header.Get("Location"))

	for _, path := range []string{LightningURL("Case", missingID("500")), LightningURL("Nope", cs), "/lightning/r/Case/" + cs} {
		res, err = http.Get(b.ts.URL + path)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, 404, res.StatusCode, path)
	}
}
