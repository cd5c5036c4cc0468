package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/tandemhq/tandem/internal/app"
)

func init() {
	register("lead", "send an Intercom lead or user to Salesforce: tandem lead create --intercom-id ID [--fields JSON]", runLead)
}

func runLead(ctx context.Context, c *base, args []string) error {
	if len(args) > 0 && isHelp(args[0]) {
		args = []string{"create", "-h"}
	}
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("%w: tandem lead create --intercom-id ID [--fields JSON] [--config FILE]", errUsage)
	}
	fs := flag.NewFlagSet("tandem lead create", flag.ContinueOnError)
	fs.SetOutput(c.errOut)
	path := fs.String("config", c.getenv("TANDEM_CONFIG"), "YAML configuration file")
	id := fs.String("intercom-id", "", "Intercom contact id of the lead or user (required)")
	fieldsJSON := fs.String("fields", "", `Salesforce field edits as a JSON object, e.g. '{"Company":"Acme"}'`)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *id == "" {
		return fmt.Errorf("%w: --intercom-id is required", errUsage)
	}
	var fields map[string]any
	if *fieldsJSON != "" {
		if err := json.Unmarshal([]byte(*fieldsJSON), &fields); err != nil {
			return fmt.Errorf("%w: --fields is not a JSON object: %v", errUsage, err)
		}
	}
	cfg, err := loadConfigFile(c, *path)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, newQuietLogger(c), app.Options{NoWorkers: true})
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := a.Syncer.CreateLead(ctx, *id, fields)
	if err != nil {
		return err
	}
	if res.Created {
		fmt.Fprintf(c.out, "created Lead %s  %s\n", res.SalesforceID, res.URL)
	} else {
		fmt.Fprintf(c.out, "already in Salesforce: Lead %s  %s (linked, nothing created)\n", res.SalesforceID, res.URL)
	}
	return nil
}
