package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os/user"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/usecase"
)

func newSettingsCmd(c *base) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "settings show|set|reset [--config FILE]",
		Short: "show or change the settings that can change at run time",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError("tandem settings show|set KEY VALUE|reset KEY [--config FILE]")
		},
	}
	printSettings := func(v usecase.SettingsView) {
		tw := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "SETTING\tVALUE\tSOURCE\n")
		for _, s := range v.Settings {
			src := s.Source
			if s.Source == usecase.SettingChanged && s.By != "" {
				src += " by " + s.By
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Key, s.Text, src)
		}
		tw.Flush()
		fmt.Fprintf(c.out, "settings version %d\n", v.Version)
	}

	show := &cobra.Command{Use: "show [--config FILE]", Short: "every setting, its value in force and where it comes from", Args: noArgs}
	showPath := configFlag(c, show.Flags())
	show.RunE = c.run(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		return c.withApp(ctx, *showPath, func(a *app.App) error {
			v, err := a.UseCases.Settings(ctx)
			if err != nil {
				return err
			}
			printSettings(v)
			return nil
		})
	})

	change := func(use, short string, nargs int, build func(args []string) usecase.SettingsChange) *cobra.Command {
		sub := &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(nargs)}
		path := configFlag(c, sub.Flags())
		sub.RunE = c.run(func(ctx context.Context, cmd *cobra.Command, args []string) error {
			return c.withApp(ctx, *path, func(a *app.App) error {
				cur, err := a.UseCases.Settings(ctx)
				if err != nil {
					return err
				}
				ch := build(args)
				ch.Version, ch.Via, ch.By = cur.Version, "the command line", operator()
				v, err := a.UseCases.SaveSettings(ctx, ch)
				if err != nil {
					return err
				}
				if v.Version == cur.Version {
					fmt.Fprintln(c.out, "nothing changed")
					return nil
				}
				fmt.Fprintf(c.out, "saved settings version %d: every running replica applies it within a few seconds\n", v.Version)
				return nil
			})
		})
		return sub
	}
	set := change("set KEY VALUE [--config FILE]", "change one setting (VALUE is JSON, or else text)", 2, func(args []string) usecase.SettingsChange {
		raw := json.RawMessage(args[1])
		if !json.Valid(raw) {
			raw, _ = json.Marshal(args[1])
		}
		return usecase.SettingsChange{Set: map[string]json.RawMessage{args[0]: raw}}
	})
	reset := change("reset KEY [--config FILE]", "return a setting to its configured or default value", 1, func(args []string) usecase.SettingsChange {
		return usecase.SettingsChange{Reset: args}
	})
	cmd.AddCommand(show, set, reset)
	return cmd
}

// operator names who runs the command, for the audit log.
func operator() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return ""
}
