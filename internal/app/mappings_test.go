package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom/intercomsim"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/config"
)

// Name is FirstName + LastName on a Contact but a field of its own on an
// Account; a custom mapping of each must write the right fields.
func TestNameMappings(t *testing.T) {
	t.Parallel()
	d, err := app.StartDemo(context.Background(), app.DemoOptions{
		Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
		DataDir: t.TempDir(), PollInterval: 200 * time.Millisecond,
		Options: app.Options{River: testQueue},
		Configure: func(c *config.Config) {
			c.Mappings = append(c.Mappings,
				tandem.Mapping{Object: tandem.ObjectAccount, Intercom: "name", Salesforce: "Name", Direction: tandem.ToSalesforce, OnFirstLink: tandem.Overwrite},
				tandem.Mapping{Object: tandem.ObjectContact, Intercom: "name", Salesforce: "Name", Direction: tandem.ToSalesforce, OnFirstLink: tandem.Overwrite},
			)
		},
	})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	e := &env{Demo: d, t: t}

	accID, err := e.Salesforce.Insert("Account", map[string]any{"Name": "Old Name Ltd", "AccountNumber": "renamed"})
	require.NoError(t, err)
	e.Intercom.UpsertCompany(intercomsim.CompanySeed{CompanyID: "renamed", Name: "New Name GmbH"})
	eventually(t, "Account renamed", func() bool { return e.sf("Account", accID)["Name"] == "New Name GmbH" })

	conID, err := e.Salesforce.Insert("Contact", map[string]any{"LastName": "Placeholder", "Email": "ines@example.com"})
	require.NoError(t, err)
	_, err = e.Intercom.CreateContact(intercomsim.ContactSeed{Role: "user", Email: "ines@example.com", Name: "Inès de la Cruz"})
	require.NoError(t, err)
	eventually(t, "Contact renamed", func() bool {
		c := e.sf("Contact", conID)
		return c["FirstName"] == "Inès" && c["LastName"] == "de la Cruz"
	})
}
