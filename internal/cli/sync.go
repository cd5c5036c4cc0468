package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/usecase"
)

func newSyncCmd(c *base) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sync [--config FILE]",
		Short: "run one bulk sync here, with progress (resumes an unfinished one)",
		Long: "Run one bulk sync in this process: link unlinked records and re-align every linked pair along\n" +
			"the mapping directions. On a terminal a progress bar is drawn; otherwise one line per phase is\n" +
			"printed. A run that was stopped resumes from its checkpoint when `tandem sync` runs again.\n\n" +
			"With --dry-run nothing is written: both systems are read as a real run reads them, and the plan\n" +
			"is printed — per object and field, the links that would be made, the values filled or\n" +
			"overwritten, the blanks refused, the values kept at first link, the Salesforce calls, and a\n" +
			"sample of records for each (--records lists them all). A real run right after does the same.",
		Args: noArgs,
	}
	path := configFlag(c, cmd.Flags())
	dry := cmd.Flags().Bool("dry-run", false, "print what a bulk sync would do, writing nothing")
	records := cmd.Flags().Bool("records", false, "with --dry-run: list every record, not only samples")
	asJSON := cmd.Flags().Bool("json", false, "with --dry-run: print the plan as JSON")
	cmd.RunE = c.run(func(ctx context.Context, _ *cobra.Command, _ []string) error {
		return c.withApp(ctx, *path, func(a *app.App) error {
			if *dry {
				return c.planSync(ctx, a.UseCases, *records, *asJSON)
			}
			return c.runSync(ctx, a.UseCases)
		})
	})
	return cmd
}

// planSync prints the plan of a bulk sync without writing anything.
func (c *base) planSync(ctx context.Context, uc *usecase.Service, records, asJSON bool) error {
	start := time.Now()
	plan, err := uc.PlanBulkSync(ctx, usecase.PlanBulkSyncParams{Records: records})
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(c.out)
		enc.SetIndent("", "  ")
		return enc.Encode(plan)
	}
	fmt.Fprintf(c.out, "dry run: nothing was written (planned in %s)\n\n", time.Since(start).Round(time.Millisecond))
	if err := plan.WriteText(c.out); err != nil {
		return err
	}
	if records && len(plan.Records) > 0 {
		fmt.Fprintln(c.out)
		tw := tabwriter.NewWriter(c.out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERDICT\tOBJECT\tINTERCOM\tSALESFORCE\tFIELD\tFROM\tTO")
		for _, r := range plan.Records {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%q\t%q\n", r.Verdict, r.Object, r.IntercomID, r.SalesforceID, r.Field, r.From, r.To)
		}
		return tw.Flush()
	}
	return nil
}

func (c *base) runSync(ctx context.Context, uc *usecase.Service) error {
	p := newProgress(c.out)
	var id int64
	var done usecase.BulkPlan
	res, err := uc.RunBulkSync(ctx, usecase.RunBulkSyncParams{
		Report: func(pl usecase.BulkPlan) { done = pl },
		Started: func(s usecase.BulkSyncStart) {
			id = s.Run.ID
			if !s.Created {
				fmt.Fprintf(c.out, "resuming bulk sync %d from its checkpoint (%s)\n", s.Run.ID, s.Run.Phase)
			}
		},
		Progress: p.update,
	})
	p.finish()
	if errors.Is(err, usecase.ErrBulkSyncBusy) {
		return fmt.Errorf("bulk sync %d is being run by another process (a running `tandem serve`?); follow it with GET /api/v1/bulk-syncs/%d", id, id)
	} else if err != nil && id != 0 {
		return fmt.Errorf("bulk sync %d stopped (run `tandem sync` again to resume): %w", id, err)
	} else if err != nil {
		return err
	}
	r := res.Run
	fmt.Fprintf(c.out, "bulk sync %d %s: %d records compared, %d pairs changed, %d links made, %d failed, in %s (%.0f records/s)\n",
		r.ID, r.Status, r.Done, r.Changed, r.Linked, r.Failed, res.Elapsed.Round(time.Millisecond), res.Rate())
	if res.Compared != r.Done {
		fmt.Fprintf(c.out, "this run compared %d of them; the rest were compared before it resumed\n", res.Compared)
	}
	if len(done.Fields) > 0 {
		fmt.Fprintln(c.out)
		if err := done.WriteText(c.out); err != nil {
			return err
		}
	}
	if r.Failed > 0 {
		fmt.Fprintln(c.out, "see `tandem errors` for what failed and why")
	}
	return nil
}

// progress shows a bulk sync's progress: a bar redrawn in place on a
// terminal, one line per phase anywhere else (a log file, a pipe).
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	last     time.Time
	phase    string
	drawn    bool
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, terminal: isTerminal(w)}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

func (p *progress) update(v usecase.BulkSyncView) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.terminal {
		if v.Phase != p.phase && v.Running() {
			p.phase = v.Phase
			fmt.Fprintf(p.w, "%s: %d/%d records compared\n", v.Phase, v.Done, v.Total)
		}
		return
	}
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond && v.Done < v.Total {
		return
	}
	p.last = now
	const width = 30
	filled := 0
	if v.Total > 0 {
		filled = min(int(float64(width)*float64(v.Done)/float64(v.Total)), width)
	}
	eta := "–"
	if v.ETASeconds != nil {
		eta = (time.Duration(*v.ETASeconds) * time.Second).String()
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d  %.0f/s  ETA %s  %-40s", strings.Repeat("=", filled), strings.Repeat(" ", width-filled),
		v.Done, v.Total, v.Rate, eta, v.Phase)
	p.drawn = true
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
