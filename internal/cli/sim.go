package cli

import (
	"github.com/spf13/cobra"
)

func newSimCmd(c *base) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim intercom|salesforce --listen ADDR",
		Short: "run a standalone simulator of Intercom or Salesforce",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			return usageError("tandem sim intercom|salesforce --listen ADDR")
		},
	}
	cmd.AddCommand(newIntercomSimCmd(c), newSalesforceSimCmd(c))
	return cmd
}
