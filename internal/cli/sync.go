package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/syncer"
	"github.com/tandemhq/tandem/internal/web"
)

func init() {
	register("sync", "run one bulk sync with a progress bar (resumes an unfinished one): tandem sync [--config FILE]", runSync)
}

func runSync(ctx context.Context, c *base, args []string) error {
	cfg, _, err := loadConfig(c, "sync", args)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, newQuietLogger(c), app.Options{NoWorkers: true})
	if err != nil {
		return err
	}
	defer a.Close()
	run, created, err := a.Syncer.StartBulk(ctx)
	if err != nil {
		return err
	}
	if !created {
		fmt.Fprintf(c.out, "resuming bulk sync %d from its checkpoint (%s)\n", run.ID, run.Phase)
	}
	bar := &progressBar{w: c.out}
	final, err := a.Syncer.RunBulk(ctx, run.ID, syncer.BulkOptions{Progress: bar.update})
	bar.finish()
	if errors.Is(err, syncer.ErrBulkBusy) {
		return fmt.Errorf("bulk sync %d is being run by another process (a running `tandem serve`?); follow it with GET /api/v1/bulk-syncs/%d", run.ID, run.ID)
	} else if err != nil {
		return fmt.Errorf("bulk sync %d stopped (run `tandem sync` again to resume): %w", run.ID, err)
	}
	v := web.BulkSyncView(final, time.Now())
	fmt.Fprintf(c.out, "bulk sync %d %s: %d records compared, %d pairs changed, %d links made, %d failed, in %s (%.0f records/s)\n",
		final.ID, final.Status, final.Done, final.Changed, final.Linked, final.Failed,
		v.UpdatedAt.Sub(v.StartedAt).Round(time.Millisecond), v.Rate)
	if final.Failed > 0 {
		fmt.Fprintln(c.out, "see `tandem errors` for what failed and why")
	}
	return nil
}

// progressBar draws pairs done / total, rate and ETA on one line.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	last  time.Time
	drawn bool
}

func (p *progressBar) update(b store.BulkSync) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond && b.Done < b.Total {
		return
	}
	p.last = now
	v := web.BulkSyncView(b, now)
	const width = 30
	filled := 0
	if b.Total > 0 {
		filled = int(float64(width) * float64(b.Done) / float64(b.Total))
	}
	eta := "–"
	if v.ETASeconds != nil {
		eta = (time.Duration(*v.ETASeconds) * time.Second).String()
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d  %.0f/s  ETA %s  %-40s", strings.Repeat("=", filled), strings.Repeat(" ", width-min(filled, width)),
		b.Done, b.Total, v.Rate, eta, b.Phase)
	p.drawn = true
}

func (p *progressBar) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
