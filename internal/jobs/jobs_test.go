package jobs

import (
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/syncer"
	"github.com/tandemhq/tandem/salesforce"
)

func TestOutcome(t *testing.T) {
	t.Parallel()
	requestLimit := &salesforce.ErrorResponse{StatusCode: 403, Errors: []salesforce.APIError{{ErrorCode: "REQUEST_LIMIT_EXCEEDED", Message: "TotalRequests Limit exceeded."}}}
	rateLimited := &intercom.RateLimitError{ErrorResponse: &intercom.ErrorResponse{StatusCode: 429},
		Rate: intercom.Rate{Limit: 10, Reset: time.Now().Add(30 * time.Second)}}
	transient := fmt.Errorf("wrapped: %w", &net.OpError{Op: "dial", Err: errors.New("refused")})

	require.NoError(t, Outcome(nil, 1, 5, nil))

	var cancel *rivertype.JobCancelError
	require.ErrorAs(t, Outcome(&syncer.PermanentError{Err: errors.New("bad value")}, 1, 5, nil), &cancel, "a permanent error cancels the job")

	var snooze *rivertype.JobSnoozeError
	require.ErrorAs(t, Outcome(rateLimited, 1, 5, nil), &snooze)
	require.Greater(t, snooze.Duration, 25*time.Second, "an Intercom rate limit snoozes until the window resets")
	require.ErrorAs(t, Outcome(requestLimit, 1, 5, nil), &snooze)
	require.Equal(t, 15*time.Minute, snooze.Duration)

	require.ErrorAs(t, Outcome(fmt.Errorf("run: %w", syncer.ErrBulkBusy), 1, 5, nil), &snooze)
	require.Equal(t, time.Minute, snooze.Duration, "a bulk sync held by another runner is looked at again later")
	require.ErrorAs(t, Outcome(tandem.Errorf(tandem.ECONFLICT, "busy"), 1, 5, nil), &snooze)
	require.Equal(t, 10*time.Second, snooze.Duration)
	require.ErrorAs(t, Outcome(tandem.Errorf(tandem.EUNPROCESSABLE, "no email"), 1, 5, nil), &cancel, "an answer for a person is not retried")
	unavailable := tandem.Errorf(tandem.EUNAVAILABLE, "try again")
	require.ErrorIs(t, Outcome(unavailable, 1, 5, nil), unavailable)

	recorded := 0
	final := func() { recorded++ }
	require.ErrorIs(t, Outcome(transient, 1, 5, final), transient, "a transient error is retried")
	require.Zero(t, recorded)
	require.ErrorIs(t, Outcome(transient, 5, 5, final), transient)
	require.Equal(t, 1, recorded, "the last attempt records a sync error")
}

func TestRetryPolicyDoubles(t *testing.T) {
	t.Parallel()
	var p RetryPolicy
	prev := time.Duration(0)
	for attempt := 1; attempt <= 14; attempt++ {
		d := time.Until(p.NextRetry(&rivertype.JobRow{Attempt: attempt}))
		base := min(time.Second<<(attempt-1), 10*time.Minute)
		require.GreaterOrEqual(t, d, base-time.Second, "attempt %d", attempt)
		require.LessOrEqual(t, d, base+base/4+time.Second, "attempt %d", attempt)
		require.GreaterOrEqual(t, d+base/4+time.Second, prev, "never much shorter than the previous wait")
		prev = d
	}
}

func TestRetryArgs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		e    tandem.SyncError
		want any
	}{
		{tandem.SyncError{Operation: "create_lead", IntercomID: "ic1", Object: tandem.ObjectLead}, CreateLeadArgs{IntercomID: "ic1"}},
		{tandem.SyncError{Operation: "update_intercom", IntercomID: "ic1", SalesforceID: "003", Object: tandem.ObjectContact}, SalesforceChangeArgs{Object: tandem.ObjectContact, SalesforceID: "003"}},
		{tandem.SyncError{Operation: "update_salesforce", IntercomID: "ic1", SalesforceID: "00Q", Object: tandem.ObjectLead}, IntercomChangeArgs{Object: tandem.ObjectContact, IntercomID: "ic1", Cause: tandem.CauseAction}},
		{tandem.SyncError{Operation: "update_salesforce", IntercomID: "co1", SalesforceID: "001", Object: tandem.ObjectAccount}, IntercomChangeArgs{Object: tandem.ObjectAccount, IntercomID: "co1", Cause: tandem.CauseAction}},
		{tandem.SyncError{Operation: "sync_from_salesforce", SalesforceID: "003", Object: tandem.ObjectContact}, SalesforceChangeArgs{Object: tandem.ObjectContact, SalesforceID: "003"}},
	}
	for _, c := range cases {
		got, err := RetryArgs(c.e)
		require.NoError(t, err)
		require.Equal(t, c.want, got, "%+v", c.e)
	}
	_, err := RetryArgs(tandem.SyncError{ID: 7, Operation: "update_salesforce"})
	require.Equal(t, tandem.EUNPROCESSABLE, tandem.ErrorCode(err))
}
