package intercom

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// openAPIPath is Intercom's official 2.16 description, kept outside the
// module; the test skips when it is absent.
const openAPIPath = "../../shared/reference/intercom-openapi.yaml"

// TestOpenAPIExamples_Decode decodes every 200 example of the endpoints the
// client calls into the client's types, so that a type mismatch (a string
// where Intercom sends a number, …) fails here.
func TestOpenAPIExamples_Decode(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(openAPIPath)
	if errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("TANDEM_REQUIRE_REFERENCE") == "1" {
			t.Fatal("TANDEM_REQUIRE_REFERENCE=1 but the Intercom OpenAPI description is missing at " + openAPIPath)
		}
		t.Skip("Intercom OpenAPI description not available at " + openAPIPath + " (it lives beside the checkout, in ../shared/reference; CI has it and sets TANDEM_REQUIRE_REFERENCE=1, which turns this skip into a failure)")
	}
	require.NoError(t, err)
	var spec struct {
		// Path items also hold a "parameters" list, so operations are
		// decoded one by one below.
		Paths map[string]map[string]yaml.Node `yaml:"paths"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &spec))
	type operation struct {
		Responses map[string]struct {
			Content map[string]struct {
				Examples map[string]struct {
					Value any `yaml:"value"`
				} `yaml:"examples"`
			} `yaml:"content"`
		} `yaml:"responses"`
	}

	id := func(v any) string {
		switch x := v.(type) {
		case *Contact:
			return x.ID
		case *Company:
			return x.ID
		case *Conversation:
			return x.ID
		case *Message:
			return x.ID
		case *Admin:
			return x.ID
		case *Tag:
			return x.ID
		case *Note:
			return x.ID
		case *DataAttribute:
			return x.Name
		}
		return "list"
	}
	type listOf struct {
		Data []json.RawMessage `json:"data"`
	}
	cases := []struct {
		path, method string
		into         func() any
	}{
		{"/contacts", "post", func() any { return new(Contact) }},
		{"/contacts/{contact_id}", "get", func() any { return new(Contact) }},
		{"/contacts/find_by_external_id/{external_id}", "get", func() any { return new(Contact) }},
		{"/contacts/merge", "post", func() any { return new(Contact) }},
		{"/contacts", "get", func() any { return new(ContactList) }},
		{"/contacts/search", "post", func() any { return new(ContactList) }},
		{"/contacts/{contact_id}/companies", "post", func() any { return new(Company) }},
		{"/contacts/{contact_id}/companies", "get", func() any { return new(CompanyList) }},
		{"/contacts/{contact_id}/tags", "post", func() any { return new(Tag) }},
		{"/contacts/{contact_id}/notes", "post", func() any { return new(Note) }},
		{"/contacts/{contact_id}/notes", "get", func() any { return new(struct{ Data []*Note }) }},
		{"/companies", "post", func() any { return new(Company) }},
		{"/companies/{company_id}", "get", func() any { return new(Company) }},
		{"/companies/list", "post", func() any { return new(CompanyList) }},
		{"/companies/scroll", "get", func() any { return new(CompanyList) }},
		{"/companies/{company_id}/contacts", "get", func() any { return new(ContactList) }},
		{"/conversations", "post", func() any { return new(Message) }},
		{"/conversations/{conversation_id}", "get", func() any { return new(Conversation) }},
		{"/conversations/{conversation_id}/reply", "post", func() any { return new(Conversation) }},
		{"/conversations/{conversation_id}/parts", "post", func() any { return new(Conversation) }},
		{"/conversations/{conversation_id}/tags", "post", func() any { return new(Tag) }},
		{"/conversations/search", "post", func() any { return new(ConversationList) }},
		{"/me", "get", func() any { return new(Admin) }},
		{"/admins", "get", func() any { return new(AdminList) }},
		{"/data_attributes", "get", func() any { return new(struct{ Data []*DataAttribute }) }},
		{"/data_attributes", "post", func() any { return new(DataAttribute) }},
		{"/tags", "get", func() any { return new(listOf) }},
	}
	for _, tc := range cases {
		node, ok := spec.Paths[tc.path][tc.method]
		require.True(t, ok, "%s %s is in the spec", tc.method, tc.path)
		var op operation
		require.NoError(t, node.Decode(&op))
		examples := op.Responses["200"].Content["application/json"].Examples
		require.NotEmpty(t, examples, "%s %s has examples", tc.method, tc.path)
		for name, ex := range examples {
			body, err := json.Marshal(ex.Value)
			require.NoError(t, err)
			v := tc.into()
			require.NoError(t, json.Unmarshal(body, v), "%s %s example %q: %s", tc.method, tc.path, name, body)
			require.NotEmpty(t, id(v), "%s %s example %q", tc.method, tc.path, name)
		}
	}
}
