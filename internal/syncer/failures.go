package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/salesforce"
)

// failure describes what was being done when a remote call failed.
type failure struct {
	link    tandem.Link
	op      tandem.Operation
	system  tandem.System
	fields  string
	payload any
}

// Transient reports whether err is worth retrying later: network trouble,
// 5xx, row locks, rate and request limits.
func Transient(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	if errors.Is(err, salesforce.ErrRowLock) || errors.Is(err, salesforce.ErrRequestLimitExceeded) ||
		errors.Is(err, salesforce.ErrSessionExpired) || errors.Is(err, intercom.ErrRateLimited) {
		return true
	}
	var sfe *salesforce.ErrorResponse
	if errors.As(err, &sfe) {
		return sfe.StatusCode >= 500
	}
	var ice *intercom.ErrorResponse
	if errors.As(err, &ice) {
		return ice.StatusCode >= 500 || ice.StatusCode == 429
	}
	// An error that is neither a vendor answer nor a known permanent kind
	// (a broken connection wrapped by the transport) is retried.
	return true
}

// syncErrors is what a failure becomes: a transient one is returned for
// the job queue to retry, anything else is recorded as a sync error with a
// plain reason, and a later success resolves the record's open errors.
// Syncer embeds it; Create Lead uses it too.
type syncErrors struct {
	*engine
}

// fail decides what a failed remote write becomes: transient errors are
// returned for the job queue to retry; anything else is recorded as a sync
// error and returned as a *PermanentError.
func (se *syncErrors) fail(ctx context.Context, f failure, err error) error {
	if Transient(err) {
		return err
	}
	if _, rerr := se.RecordFailure(ctx, f.link, f.op, f.system, f.fields, f.payload, err); rerr != nil {
		return errors.Join(err, rerr)
	}
	return &PermanentError{Err: err}
}

// RecordFailure stores a sync error for a failed operation on a link, with a
// plain-language reason. The job layer also calls it when a transient error
// has used up its retries.
func (se *syncErrors) RecordFailure(ctx context.Context, l tandem.Link, op tandem.Operation, system tandem.System, fields string, payload any, err error) (tandem.SyncError, error) {
	code, msg := errorCode(err)
	e := tandem.SyncError{
		InstallationID: se.cfg.Installation,
		Object:         l.Object,
		Operation:      op,
		IntercomID:     l.IntercomID,
		SalesforceID:   l.SalesforceID,
		Field:          fields,
		System:         system,
		Code:           code,
		Message:        msg,
		Reason:         Reason(system, code, msg, l.Object, fields),
	}
	if payload != nil {
		if b, jerr := json.Marshal(payload); jerr == nil {
			e.Payload = string(b)
		}
	}
	saved, rerr := se.store.RecordSyncError(ctx, e)
	if rerr != nil {
		return e, rerr
	}
	se.log.Warn("sync error", "object", string(l.Object), "operation", string(op), "code", code, "reason", e.Reason,
		"intercom_id", l.IntercomID, "salesforce_id", l.SalesforceID)
	if se.hooks.OnSyncError != nil {
		se.hooks.OnSyncError(saved)
	}
	return saved, nil
}

// recordValueError records a value that cannot be made fit for its target
// field (too long, not in a restricted picklist, wrong type), under the
// value operation of op: it is resolved per field, not by other fields'
// writes.
func (se *syncErrors) recordValueError(ctx context.Context, l tandem.Link, m tandem.Mapping, op tandem.Operation, err error) {
	system, field := tandem.SystemSalesforce, m.Salesforce
	if m.Direction == tandem.ToIntercom {
		system, field = tandem.SystemIntercom, icAttrName(m)
	}
	e := tandem.SyncError{
		InstallationID: se.cfg.Installation, Object: l.Object, Operation: op.ValueOp(),
		IntercomID: l.IntercomID, SalesforceID: l.SalesforceID, Field: field, System: system,
		Code: "VALUE_NOT_CONVERTIBLE", Message: err.Error(),
		Reason: fmt.Sprintf("The value of %s cannot be written to %s %s: %v.", m.String(), system.Name(), field, err),
	}
	saved, rerr := se.store.RecordSyncError(ctx, e)
	if rerr != nil {
		se.log.Error("record sync error", "err", rerr)
		return
	}
	if se.hooks.OnSyncError != nil {
		se.hooks.OnSyncError(saved)
	}
}

// skipUnfitValue decides what an error making a value fit for its target
// means: a missing owner counterpart skips the field quietly, a lookup
// failure is returned, and anything else is recorded as a sync error for
// the field.
func (se *syncErrors) skipUnfitValue(ctx context.Context, l tandem.Link, m tandem.Mapping, op tandem.Operation, err error) error {
	if errors.Is(err, errNoCounterpart) {
		return nil
	}
	if m.Transform == ownerTransform {
		return err
	}
	se.recordValueError(ctx, l, m, op, err)
	return nil
}

// resolve marks the record's open sync errors of op as resolved: a later
// write succeeded.
func (se *syncErrors) resolve(ctx context.Context, l tandem.Link, op tandem.Operation) error {
	return se.resolveField(ctx, l, op, "")
}

// resolveField is resolve limited to one field ("" for any).
func (se *syncErrors) resolveField(ctx context.Context, l tandem.Link, op tandem.Operation, field string) error {
	_, err := se.store.ResolveSyncErrors(ctx, store.ResolveParams{
		Installation: se.cfg.Installation, Object: l.Object, Operation: string(op),
		IntercomID: l.IntercomID, SalesforceID: l.SalesforceID, Field: field,
	})
	return err
}

// ResolveRecord marks the open errors of op on a record resolved (the job
// layer calls it when a retried sync finally succeeds). Empty ids match
// any.
func (se *syncErrors) ResolveRecord(ctx context.Context, obj tandem.Object, intercomID, salesforceID string, op tandem.Operation) error {
	return se.resolve(ctx, tandem.Link{Object: obj, IntercomID: intercomID, SalesforceID: salesforceID}, op)
}

// errorCode extracts the vendor's error code and message.
func errorCode(err error) (code, msg string) {
	var sfe *salesforce.ErrorResponse
	if errors.As(err, &sfe) && len(sfe.Errors) > 0 {
		return sfe.Errors[0].ErrorCode, sfe.Errors[0].Message
	}
	var ice *intercom.ErrorResponse
	if errors.As(err, &ice) && len(ice.Errors) > 0 {
		return ice.Errors[0].Code, ice.Errors[0].Message
	}
	if ice != nil {
		return fmt.Sprintf("http_%d", ice.StatusCode), err.Error()
	}
	if sfe != nil {
		return fmt.Sprintf("HTTP_%d", sfe.StatusCode), err.Error()
	}
	return "ERROR", err.Error()
}

func isIntercomGone(err error) bool {
	return errors.Is(err, intercom.ErrNotFound) || errors.Is(err, intercom.ErrMerged)
}

// SystemOf names the system whose answer err is.
func SystemOf(err error) tandem.System {
	var sfe *salesforce.ErrorResponse
	if errors.As(err, &sfe) {
		return tandem.SystemSalesforce
	}
	var ice *intercom.ErrorResponse
	if errors.As(err, &ice) {
		return tandem.SystemIntercom
	}
	return tandem.SystemTandem
}
