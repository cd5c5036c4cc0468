package config

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/internal/mapping"
)

// yamlBlocks returns the ```yaml blocks of docs/configuration.md.
func yamlBlocks(t *testing.T) []string {
	t.Helper()
	doc, err := os.ReadFile("../../docs/configuration.md")
	require.NoError(t, err)
	var blocks []string
	for _, m := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(doc), -1) {
		blocks = append(blocks, m[1])
	}
	require.GreaterOrEqual(t, len(blocks), 3)
	return blocks
}

func TestDocsExamplesParse(t *testing.T) {
	t.Parallel()

	blocks := yamlBlocks(t)

	full, err := Parse([]byte(blocks[0]))
	require.NoError(t, err)
	full = full.WithDefaults()
	require.NoError(t, full.Validate())
	require.Equal(t, AuthJWT, full.Salesforce.AuthMode())
	defaults := Config{}.WithDefaults()
	require.Equal(t, defaults.Sync, full.Sync, "the complete file shows the defaults")
	require.Equal(t, defaults.Budget, full.Budget)
	require.Equal(t, defaults.Ownership, full.Ownership)

	cases := 0
	for _, b := range blocks[1:] {
		c, err := Parse([]byte(b))
		require.NoError(t, err, b)
		if c.Cases.Enabled {
			cases++
			c.AdminToken, c.Intercom.Token, c.Intercom.ClientSecret, c.Salesforce.Token = "a", "t", "s", "sf"
			c.Salesforce.URL = "https://example.my.salesforce.com"
			require.NoError(t, c.WithDefaults().Validate(), "the cases example is valid")
			require.Equal(t, DefaultCaseTag, c.Cases.Tag)
			continue
		}
		require.NotEmpty(t, c.Mappings)
		for i, m := range c.Mappings {
			require.True(t, m.Object.Valid() && m.Direction.Valid(), "mapping %d of %s", i, b)
		}
	}
	require.Equal(t, 1, cases, "the cases example is checked")

	def, err := Parse([]byte(blocks[2]))
	require.NoError(t, err)
	require.Equal(t, mapping.Defaults(), def.Mappings, "the documented defaults are the real ones")
}

func TestEnvVarsDocumented(t *testing.T) {
	t.Parallel()

	doc, err := os.ReadFile("../../docs/configuration.md")
	require.NoError(t, err)
	for _, name := range EnvVars() {
		require.Contains(t, string(doc), "`"+name+"`", "docs/configuration.md must document %s", name)
	}
	require.Len(t, EnvVars(), 19+8)
}
