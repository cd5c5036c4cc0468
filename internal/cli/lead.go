package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/usecase"
)

func newLeadCmd(c *base) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lead create --intercom-id ID [--fields JSON] [--config FILE]",
		Short: "send an Intercom lead or user to Salesforce as a Lead",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError("tandem lead create --intercom-id ID [--fields JSON] [--config FILE]")
		},
	}
	create := &cobra.Command{
		Use:   "create --intercom-id ID [--fields JSON] [--config FILE]",
		Short: "create (or find and link) the Salesforce Lead of an Intercom lead or user",
		Long: "Send an Intercom lead or user to Salesforce as a Lead with the mapped fields. A Lead that\n" +
			"exists already (linked, or found by email) is linked instead: a second run never makes two.",
		Args: noArgs,
	}
	path := configFlag(c, create.Flags())
	id := create.Flags().String("intercom-id", "", "Intercom contact id of the lead or user (required)")
	fieldsJSON := create.Flags().String("fields", "", `Salesforce field edits as a JSON object, e.g. '{"Company":"Acme"}'`)
	create.RunE = c.run(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		if *id == "" {
			return usageError("--intercom-id is required")
		}
		var fields map[string]any
		if *fieldsJSON != "" {
			if err := json.Unmarshal([]byte(*fieldsJSON), &fields); err != nil {
				return usageError("--fields is not a JSON object: %v", err)
			}
		}
		return c.withApp(ctx, *path, func(a *app.App) error {
			res, err := a.UseCases.CreateLead(ctx, usecase.CreateLeadParams{IntercomContactID: *id, Fields: fields})
			if err != nil {
				return err
			}
			if res.Created {
				fmt.Fprintf(c.out, "created Lead %s  %s\n", res.SalesforceID, res.URL)
			} else {
				fmt.Fprintf(c.out, "already in Salesforce: Lead %s  %s (linked, nothing created)\n", res.SalesforceID, res.URL)
			}
			return nil
		})
	})
	cmd.AddCommand(create)
	return cmd
}
