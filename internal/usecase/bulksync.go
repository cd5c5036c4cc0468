package usecase

import (
	"context"
	"errors"
	"time"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/jobs"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/syncer"
)

// BulkSyncView is a bulk sync run with the derived progress figures
// (percent, rate, ETA), as the JSON API and the command line show it.
type BulkSyncView struct {
	ID         int64      `json:"id"`
	Status     string     `json:"status"`
	Phase      string     `json:"phase"`
	Total      int64      `json:"total"`
	Done       int64      `json:"done"`
	Changed    int64      `json:"changed"`
	Linked     int64      `json:"linked"`
	Failed     int64      `json:"failed"`
	Percent    float64    `json:"percent"`
	Rate       float64    `json:"records_per_second"`
	ETASeconds *float64   `json:"eta_seconds,omitempty"`
	Error      string     `json:"error,omitempty"`
	StartedAt  time.Time  `json:"started_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// Running reports whether the run has not finished.
func (v BulkSyncView) Running() bool { return v.Status == store.BulkRunning }

// NewBulkSyncView derives the progress figures of run b at time now. The
// rate is records compared per second since the run started (until it
// finished); the ETA assumes that rate holds.
func NewBulkSyncView(b store.BulkSync, now time.Time) BulkSyncView {
	v := BulkSyncView{ID: b.ID, Status: b.Status, Phase: b.Phase, Total: b.Total, Done: b.Done, Changed: b.Changed,
		Linked: b.Linked, Failed: b.Failed, Error: b.Error, StartedAt: b.StartedAt, UpdatedAt: b.UpdatedAt, FinishedAt: b.FinishedAt}
	if b.Total > 0 {
		v.Percent = float64(b.Done) * 100 / float64(b.Total)
	}
	end := now
	if b.FinishedAt != nil {
		end = *b.FinishedAt
	}
	if secs := end.Sub(b.StartedAt).Seconds(); secs > 0 {
		v.Rate = float64(b.Done) / secs
	}
	if b.Status == store.BulkRunning && v.Rate > 0 && b.Total > b.Done {
		eta := float64(b.Total-b.Done) / v.Rate
		v.ETASeconds = &eta
	}
	return v
}

// BulkSyncOptions are the choices a caller makes when starting a bulk
// sync.
type BulkSyncOptions struct {
	// DryRun asks for the plan of what the bulk sync would write, without
	// writing (PlanBulkSync); StartBulkSync and RunBulkSync refuse it.
	DryRun bool
}

func (o BulkSyncOptions) check() error {
	if o.DryRun {
		return tandem.Errorf(tandem.EINVALID, "A dry run is planned with PlanBulkSync, not started.")
	}
	return nil
}

// BulkPlan is what a bulk sync does or would do, per object and field.
type BulkPlan = syncer.BulkPlan

// PlanBulkSyncParams say how detailed a plan should be.
type PlanBulkSyncParams struct {
	// Records lists every field of every record that would be written,
	// kept or refused, not only a few samples per field.
	Records bool
}

// PlanBulkSync runs a bulk sync without writing anything and returns its
// plan: per object and field, the links it would make, the values it would
// fill or overwrite, the blanks it would refuse, the values it would keep
// at first link, and the Salesforce calls it would cost. A real run right
// after, with nothing changed in between, does exactly that.
func (s *Service) PlanBulkSync(ctx context.Context, p PlanBulkSyncParams) (BulkPlan, error) {
	eng, err := s.engine("Planning a bulk sync")
	if err != nil {
		return BulkPlan{}, err
	}
	return eng.PlanBulk(ctx, syncer.BulkOptions{Records: p.Records})
}

// BulkSyncStart is a bulk sync run that was started, or that was running
// already.
type BulkSyncStart struct {
	Run     BulkSyncView
	Created bool // false: the run was running already and is the one returned
}

// StartBulkSync starts a bulk sync for the bridge's workers to run, or
// returns the one running already. Its job is queued in either case: the
// job is unique per run, so this is a no-op while it is queued or running,
// and it revives a run whose job was lost or gave up.
func (s *Service) StartBulkSync(ctx context.Context, o BulkSyncOptions) (BulkSyncStart, error) {
	if err := o.check(); err != nil {
		return BulkSyncStart{}, err
	}
	eng, err := s.engine("Starting a bulk sync")
	if err != nil {
		return BulkSyncStart{}, err
	}
	b, created, err := eng.StartBulk(ctx)
	if err != nil {
		return BulkSyncStart{}, err
	}
	if _, err := s.cfg.Jobs.Insert(ctx, jobs.BulkSyncArgs{RunID: b.ID}, nil); err != nil {
		return BulkSyncStart{}, err
	}
	return BulkSyncStart{Run: NewBulkSyncView(b, s.cfg.Now()), Created: created}, nil
}

// RunBulkSyncParams say how to run a bulk sync in the calling process.
type RunBulkSyncParams struct {
	BulkSyncOptions
	// Started, when set, is called once the run is chosen: a new one, or
	// the unfinished one being resumed from its checkpoint.
	Started func(BulkSyncStart)
	// Progress, when set, is called after every page.
	Progress func(BulkSyncView)
	// Report, when set, receives what the run did, counted as a plan is.
	Report func(BulkPlan)
}

// BulkSyncResult is a bulk sync run at the end of RunBulkSync.
type BulkSyncResult struct {
	Run BulkSyncView
	// Elapsed is how long this call worked on the run, and Compared how
	// many records it compared meanwhile (a resumed run did part of its
	// work before).
	Elapsed  time.Duration
	Compared int64
}

// Rate is records compared per second of this call's work.
func (r BulkSyncResult) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Compared) / r.Elapsed.Seconds()
}

// ErrBulkSyncBusy says another process (a replica of the bridge) is running
// the bulk sync.
var ErrBulkSyncBusy = syncer.ErrBulkBusy

// RunBulkSync starts a bulk sync, or resumes the unfinished one, and runs
// it to the end in the calling process. ErrBulkSyncBusy when another
// process is running it.
func (s *Service) RunBulkSync(ctx context.Context, p RunBulkSyncParams) (BulkSyncResult, error) {
	if err := p.check(); err != nil {
		return BulkSyncResult{}, err
	}
	eng, err := s.engine("Running a bulk sync")
	if err != nil {
		return BulkSyncResult{}, err
	}
	b, created, err := eng.StartBulk(ctx)
	if err != nil {
		return BulkSyncResult{}, err
	}
	if p.Started != nil {
		p.Started(BulkSyncStart{Run: NewBulkSyncView(b, s.cfg.Now()), Created: created})
	}
	opts := syncer.BulkOptions{Report: p.Report}
	if p.Progress != nil {
		opts.Progress = func(b store.BulkSync) { p.Progress(NewBulkSyncView(b, s.cfg.Now())) }
	}
	start := s.cfg.Now()
	final, err := eng.RunBulk(ctx, b.ID, opts)
	res := BulkSyncResult{Run: NewBulkSyncView(final, s.cfg.Now()), Elapsed: s.cfg.Now().Sub(start), Compared: final.Done - b.Done}
	if errors.Is(err, syncer.ErrBulkBusy) {
		return res, ErrBulkSyncBusy
	}
	return res, err
}

// BulkSync returns one bulk sync run.
func (s *Service) BulkSync(ctx context.Context, id int64) (BulkSyncView, error) {
	b, err := s.cfg.Store.GetBulkSync(ctx, id)
	if err != nil {
		return BulkSyncView{}, err
	}
	if b.Installation != s.cfg.Installation {
		return BulkSyncView{}, tandem.Errorf(tandem.ENOTFOUND, "no bulk sync %d", id)
	}
	return NewBulkSyncView(b, s.cfg.Now()), nil
}

// LatestBulkSync returns the most recently started bulk sync run
// (ENOTFOUND when there has been none).
func (s *Service) LatestBulkSync(ctx context.Context) (BulkSyncView, error) {
	b, err := s.cfg.Store.LatestBulkSync(ctx, s.cfg.Installation)
	if err != nil {
		return BulkSyncView{}, err
	}
	return NewBulkSyncView(b, s.cfg.Now()), nil
}
