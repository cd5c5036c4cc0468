// Package jobs holds tandem's durable River jobs: their arguments (with
// stable Kind strings), their workers, and the one function that turns an
// engine error into a job outcome.
//
// Kinds:
//
//	tandem.intercom_change   an Intercom contact or company changed (webhook or reconciliation)
//	tandem.poll_salesforce   poll one Salesforce object for changes (periodic, leader only)
//	tandem.salesforce_change sync one Salesforce record to Intercom (retry of a sync error)
//	tandem.bulk_sync         run or resume one bulk sync
//	tandem.create_lead       retry a Create Lead that failed
//	tandem.reconcile         search Intercom for changes whose webhook never arrived (periodic, leader only)
//	tandem.case              create or refresh the Salesforce Case of a conversation
//	tandem.case_backstop     search for conversations started or closed without a notification (periodic, leader only)
//	tandem.task              create or update the Salesforce Tasks of a conversation event (see tasks.go)
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/budget"
	"github.com/tandemhq/tandem/internal/cases"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/syncer"
	"github.com/tandemhq/tandem/internal/tasks"
	"github.com/tandemhq/tandem/salesforce"
)

// IntercomChangeArgs asks for one Intercom record to be synced to
// Salesforce. The worker reads the record as it is when the job runs, so
// several jobs for one record converge on its latest state.
type IntercomChangeArgs struct {
	// Object is tandem.ObjectContact for leads and users (the contact's role
	// decides the pair) and tandem.ObjectAccount for companies.
	Object     tandem.Object `json:"object"`
	IntercomID string        `json:"intercom_id"`
	Deleted    bool          `json:"deleted,omitempty"`
	Topic      string        `json:"topic,omitempty"`
	Cause      tandem.Cause  `json:"cause,omitempty"`
	// At is when the change happened in Intercom (unix seconds), as the
	// notification said; it shows in the job list for operators.
	At int64 `json:"at,omitempty"`
}

// Kind implements river.JobArgs.
func (IntercomChangeArgs) Kind() string { return "tandem.intercom_change" }

// PollArgs asks for one poll of a Salesforce object.
type PollArgs struct {
	Object tandem.Object `json:"object"`
}

// Kind implements river.JobArgs.
func (PollArgs) Kind() string { return "tandem.poll_salesforce" }

// InsertOpts keeps at most one poll per object waiting or running.
func (PollArgs) InsertOpts() river.InsertOpts { return oneAtATime(5) }

// oneAtATime are the insert options of a job of which at most one with the
// same arguments waits or runs: a later insert meanwhile is dropped (a
// completed, cancelled or discarded one does not count).
func oneAtATime(maxAttempts int) river.InsertOpts {
	return river.InsertOpts{
		MaxAttempts: maxAttempts,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateRetryable, rivertype.JobStateScheduled,
		}},
	}
}

// Deps is what the workers need.
type Deps struct {
	Syncer   *syncer.Syncer
	Store    *store.DB
	Intercom *intercom.Client // the conversation backstop's searches
	// Cases is nil when Cases are off.
	Cases        *cases.Service
	CaseTriggers CaseTriggers
	Tasks        *tasks.Service // nil when Tasks are turned off
	// Now, when set, returns the Cases, CaseTriggers and Tasks in force,
	// which replace the three fields above for each job from its start
	// (they change when the settings change at run time).
	Now func() Deps
}

// current returns d with the Cases and Tasks in force now.
func (d Deps) current() Deps {
	if d.Now != nil {
		n := d.Now()
		d.Cases, d.CaseTriggers, d.Tasks = n.Cases, n.CaseTriggers, n.Tasks
	}
	return d
}

// Register adds every worker to workers.
func Register(workers *river.Workers, d Deps) {
	river.AddWorker(workers, &intercomChangeWorker{deps: d})
	river.AddWorker(workers, &pollWorker{deps: d})
	river.AddWorker(workers, &salesforceChangeWorker{deps: d})
	river.AddWorker(workers, &bulkSyncWorker{deps: d})
	river.AddWorker(workers, &reconcileWorker{deps: d})
	river.AddWorker(workers, &createLeadWorker{deps: d})
	if d.Cases != nil || d.Now != nil {
		river.AddWorker(workers, &caseWorker{deps: d})
	}
	river.AddWorker(workers, &caseBackstopWorker{deps: d})
	river.AddWorker(workers, &taskWorker{deps: d})
}

// CasePeriodic is the conversation backstop's periodic search for
// conversations started or closed without a notification.
func CasePeriodic(every time.Duration) *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return CaseBackstopArgs{}, nil },
		&river.PeriodicJobOpts{ID: "case_backstop"})
}

// Periodic returns the periodic jobs: one Salesforce poll per object every
// poll interval, and the Intercom reconciliation every reconcile interval.
// River runs periodic jobs on the elected leader only, so several replicas
// never poll twice.
func Periodic(interval, reconcile time.Duration) []*river.PeriodicJob {
	out := []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(reconcile),
		func() (river.JobArgs, *river.InsertOpts) { return ReconcileArgs{}, nil },
		&river.PeriodicJobOpts{ID: "reconcile"})}
	for _, obj := range []tandem.Object{tandem.ObjectLead, tandem.ObjectContact, tandem.ObjectAccount} {
		out = append(out, river.NewPeriodicJob(river.PeriodicInterval(interval),
			func() (river.JobArgs, *river.InsertOpts) { return PollArgs{Object: obj}, nil },
			&river.PeriodicJobOpts{ID: "poll_" + string(obj), RunOnStart: true}))
	}
	return out
}

type intercomChangeWorker struct {
	river.WorkerDefaults[IntercomChangeArgs]
	deps Deps
}

func (w *intercomChangeWorker) Work(ctx context.Context, job *river.Job[IntercomChangeArgs]) error {
	if ok, wait := w.deps.Syncer.Allow(budget.Event); !ok {
		return river.JobSnooze(wait)
	}
	a := job.Args
	cause := a.Cause
	if cause == "" {
		cause = tandem.CauseWebhook
	}
	var err error
	switch {
	case a.Deleted:
		err = w.deps.Syncer.IntercomDeleted(ctx, a.Object, a.IntercomID)
	case a.Object == tandem.ObjectAccount:
		err = w.deps.Syncer.SyncIntercomCompany(ctx, a.IntercomID, cause)
	default:
		err = w.deps.Syncer.SyncIntercomContact(ctx, a.IntercomID, cause)
	}
	if err == nil {
		// An earlier attempt that gave up is settled now.
		err = w.deps.Syncer.ResolveRecord(ctx, a.Object, a.IntercomID, "", tandem.OpSyncFromIntercom)
	}
	return Outcome(err, job.Attempt, job.MaxAttempts, func() {
		l := tandem.Link{Object: a.Object, IntercomID: a.IntercomID}
		_, _ = w.deps.Syncer.RecordFailure(context.WithoutCancel(ctx), l, tandem.OpSyncFromIntercom, syncer.SystemOf(err), "", a, err)
	})
}

type pollWorker struct {
	river.WorkerDefaults[PollArgs]
	deps Deps
}

func (w *pollWorker) Work(ctx context.Context, job *river.Job[PollArgs]) error {
	if ok, _ := w.deps.Syncer.Allow(budget.Event); !ok {
		return nil // the next periodic poll tries again
	}
	_, err := w.deps.Syncer.Poll(ctx, job.Args.Object)
	return Outcome(err, job.Attempt, job.MaxAttempts, nil)
}

// Timeout gives a poll longer than River's default minute: a first poll
// reads every record of the object. A poll cut short keeps its progress (the
// watermark advances every 200 records) and the next one goes on.
func (w *pollWorker) Timeout(*river.Job[PollArgs]) time.Duration { return 10 * time.Minute }

// Outcome maps an engine error to a River outcome; every worker's error
// goes through it. nil succeeds. A permanent error (already recorded as a
// sync error) cancels the job, and so does an error meant for a person (a
// *tandem.Error other than EUNAVAILABLE and EINTERNAL: Create Lead's
// answers, a bulk sync that no longer exists), which a retry would not
// change. Work that someone else is doing right now (ECONFLICT: another
// runner holds the bulk sync, another Create Lead for the contact runs)
// and rate or request limits snooze the job without using an attempt.
// Anything else is retried with River's backoff, and on the last attempt
// recorded by final.
func Outcome(err error, attempt, maxAttempts int, final func()) error {
	if err == nil {
		return nil
	}
	if syncer.IsPermanent(err) {
		return river.JobCancel(err)
	}
	if errors.Is(err, syncer.ErrBulkBusy) {
		return river.JobSnooze(time.Minute) // look again when the holder may be done
	}
	var te *tandem.Error
	if errors.As(err, &te) {
		switch te.Code {
		case tandem.ECONFLICT:
			return river.JobSnooze(10 * time.Second)
		case tandem.EUNAVAILABLE, tandem.EINTERNAL:
		default:
			return river.JobCancel(err)
		}
	}
	var rl *intercom.RateLimitError
	if errors.As(err, &rl) {
		if d := time.Until(rl.Rate.Reset); d > 0 {
			return river.JobSnooze(d + time.Second)
		}
		return river.JobSnooze(10 * time.Second)
	}
	if errors.Is(err, salesforce.ErrRequestLimitExceeded) {
		return river.JobSnooze(15 * time.Minute)
	}
	if attempt >= maxAttempts && final != nil {
		final()
	}
	return err
}

// SalesforceChangeArgs asks for one Salesforce record to be synced to
// Intercom (used to retry a failed Intercom write).
type SalesforceChangeArgs struct {
	Object       tandem.Object `json:"object"`
	SalesforceID string        `json:"salesforce_id"`
}

// Kind implements river.JobArgs.
func (SalesforceChangeArgs) Kind() string { return "tandem.salesforce_change" }

type salesforceChangeWorker struct {
	river.WorkerDefaults[SalesforceChangeArgs]
	deps Deps
}

func (w *salesforceChangeWorker) Work(ctx context.Context, job *river.Job[SalesforceChangeArgs]) error {
	if ok, wait := w.deps.Syncer.Allow(budget.Event); !ok {
		return river.JobSnooze(wait)
	}
	err := w.deps.Syncer.SyncSalesforceID(ctx, job.Args.Object, job.Args.SalesforceID, tandem.CauseAction)
	return Outcome(err, job.Attempt, job.MaxAttempts, nil)
}

// CreateLeadArgs retries a Create Lead that failed.
type CreateLeadArgs struct {
	IntercomID string `json:"intercom_id"`
}

// Kind implements river.JobArgs.
func (CreateLeadArgs) Kind() string { return "tandem.create_lead" }

type createLeadWorker struct {
	river.WorkerDefaults[CreateLeadArgs]
	deps Deps
}

func (w *createLeadWorker) Work(ctx context.Context, job *river.Job[CreateLeadArgs]) error {
	_, err := w.deps.Syncer.CreateLead(ctx, job.Args.IntercomID, nil)
	return Outcome(err, job.Attempt, job.MaxAttempts, nil)
}

// RetryArgs returns the job that retries the operation of a sync error.
func RetryArgs(e tandem.SyncError) (river.JobArgs, error) {
	switch {
	case e.Object == tandem.ObjectCase && e.IntercomID != "":
		return CaseArgs{ConversationID: e.IntercomID, Trigger: cases.TriggerRetry}, nil
	case e.Object == tandem.ObjectTask:
		return taskRetryArgs(e)
	case e.Operation == tandem.OpCreateLead && e.IntercomID != "":
		return CreateLeadArgs{IntercomID: e.IntercomID}, nil
	case e.Operation == tandem.OpUpdateIntercom && e.SalesforceID != "":
		return SalesforceChangeArgs{Object: e.Object, SalesforceID: e.SalesforceID}, nil
	case e.IntercomID != "":
		obj := tandem.ObjectContact
		if e.Object == tandem.ObjectAccount {
			obj = tandem.ObjectAccount
		}
		return IntercomChangeArgs{Object: obj, IntercomID: e.IntercomID, Cause: tandem.CauseAction}, nil
	case e.SalesforceID != "":
		return SalesforceChangeArgs{Object: e.Object, SalesforceID: e.SalesforceID}, nil
	}
	return nil, tandem.Errorf(tandem.EUNPROCESSABLE, "Sync error %d names no record to retry.", e.ID)
}

// BulkSyncArgs runs (or resumes) one bulk sync. A replica that dies while
// running it leaves the job to River's rescuer, and the next attempt
// resumes from the run's checkpoint.
type BulkSyncArgs struct {
	RunID int64 `json:"run_id"`
}

// Kind implements river.JobArgs.
func (BulkSyncArgs) Kind() string { return "tandem.bulk_sync" }

// InsertOpts keeps one job per run.
func (a BulkSyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type bulkSyncWorker struct {
	river.WorkerDefaults[BulkSyncArgs]
	deps Deps
}

func (w *bulkSyncWorker) Work(ctx context.Context, job *river.Job[BulkSyncArgs]) error {
	_, err := w.deps.Syncer.RunBulk(ctx, job.Args.RunID, syncer.BulkOptions{})
	return Outcome(err, job.Attempt, job.MaxAttempts, nil)
}

// Timeout lets a bulk sync run as long as it needs.
func (w *bulkSyncWorker) Timeout(*river.Job[BulkSyncArgs]) time.Duration { return -1 }

// ReconcileArgs runs one reconciliation.
type ReconcileArgs struct{}

// Kind implements river.JobArgs.
func (ReconcileArgs) Kind() string { return "tandem.reconcile" }

// InsertOpts keeps at most one reconciliation waiting or running.
func (ReconcileArgs) InsertOpts() river.InsertOpts { return oneAtATime(3) }

type reconcileWorker struct {
	river.WorkerDefaults[ReconcileArgs]
	deps Deps
}

func (w *reconcileWorker) Work(ctx context.Context, job *river.Job[ReconcileArgs]) error {
	client := river.ClientFromContext[*sql.Tx](ctx)
	_, err := w.deps.Syncer.Reconcile(ctx, func(ctx context.Context, ids []string) error {
		params := make([]river.InsertManyParams, len(ids))
		for i, id := range ids {
			params[i] = river.InsertManyParams{Args: IntercomChangeArgs{Object: tandem.ObjectContact, IntercomID: id, Cause: tandem.CauseReconcile}}
		}
		_, err := client.InsertMany(ctx, params)
		return err
	})
	return Outcome(err, job.Attempt, job.MaxAttempts, nil)
}

// RetryPolicy retries failed jobs sooner than River's default (attempt⁴
// seconds): a sync bridge should heal within minutes of a remote outage.
// The wait doubles from one second up to ten minutes, with jitter.
type RetryPolicy struct{}

// NextRetry implements river.ClientRetryPolicy.
func (RetryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	d := time.Second << min(job.Attempt-1, 10)
	d = min(d, 10*time.Minute)
	d += time.Duration(rand.Int64N(int64(d)/4 + 1))
	return time.Now().Add(d)
}
