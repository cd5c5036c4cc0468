package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/syncer"
	"github.com/tandemhq/tandem/salesforce"
)

// RecordFailure records a failed request as a sync error in the tasks
// category, with a plain reason; its payload is the request, so a retry
// of the error repeats it. A vendor's refusal is worded by the engine's
// reasons; tandem's own errors (no email for the Lead, no such part)
// carry their message as the reason. It returns the error recorded.
func (s *Service) RecordFailure(ctx context.Context, r Request, err error) tandem.SyncError {
	l := tandem.Link{Object: tandem.ObjectTask, IntercomID: r.IntercomID()}
	var sfe *salesforce.ErrorResponse
	var ice *intercom.ErrorResponse
	if errors.As(err, &sfe) || errors.As(err, &ice) {
		// The operations are spelled as constants so that they convert to
		// whatever type the engine gives operations.
		var (
			saved tandem.SyncError
			rerr  error
		)
		switch r.Operation() {
		case OpCreate:
			saved, rerr = s.syncer.RecordFailure(ctx, l, OpCreate, syncer.SystemOf(err), "", r, err)
		case OpUpdate:
			saved, rerr = s.syncer.RecordFailure(ctx, l, OpUpdate, syncer.SystemOf(err), "", r, err)
		default:
			saved, rerr = s.syncer.RecordFailure(ctx, l, OpLog, syncer.SystemOf(err), "", r, err)
		}
		if rerr != nil {
			s.log.Error("record a Task sync error", slog.Any("err", rerr))
		}
		return saved
	}
	code := "TASK_FAILED"
	switch tandem.ErrorCode(err) {
	case tandem.ENOTFOUND:
		code = "NOT_FOUND"
	case tandem.EUNPROCESSABLE:
		code = "UNPROCESSABLE"
	case tandem.EINVALID:
		code = "INVALID"
	}
	reason := tandem.ErrorMessage(err)
	if tandem.ErrorCode(err) == tandem.EINTERNAL {
		reason = "The Task could not be written: " + err.Error()
	}
	payload, _ := json.Marshal(r)
	e := tandem.SyncError{
		InstallationID: s.cfg.Installation, Object: tandem.ObjectTask, Operation: OpLog,
		IntercomID: l.IntercomID, System: "tandem", Code: code, Message: err.Error(), Reason: reason, Payload: string(payload),
	}
	switch r.Operation() {
	case OpCreate:
		e.Operation = OpCreate
	case OpUpdate:
		e.Operation = OpUpdate
	}
	saved, rerr := s.store.RecordSyncError(ctx, e)
	if rerr != nil {
		s.log.Error("record a Task sync error", slog.Any("err", rerr))
		return e
	}
	s.log.Warn("sync error", "object", "task", "operation", r.Operation(), "code", code, "reason", reason, "intercom_id", l.IntercomID)
	if s.hooks.OnSyncError != nil {
		s.hooks.OnSyncError(saved)
	}
	return saved
}

// Resolve marks the open sync errors of r resolved (it succeeded).
func (s *Service) Resolve(ctx context.Context, r Request) error {
	_, err := s.store.ResolveSyncErrors(ctx, store.ResolveParams{Installation: s.cfg.Installation,
		Object: tandem.ObjectTask, Operation: r.Operation(), IntercomID: r.IntercomID()})
	return err
}
