package usecase_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/usecase"
)

func TestActivityLag(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, b testBundle) {
		ctx := context.Background()
		now := time.Date(2026, 1, 1, 12, 7, 30, 0, time.UTC)
		uc := usecase.New(usecase.Config{Store: b.db, Jobs: b.river, Now: func() time.Time { return now }})
		last := now.Unix() / 60
		second, tenSeconds := store.LagBucket(time.Second), store.LagBucket(10*time.Second)
		require.NoError(t, b.db.AddLag(ctx, tandem.DefaultInstallation, []store.LagCount{
			{Direction: tandem.ToSalesforce, Minute: last, Bucket: second, Samples: 9},
			{Direction: tandem.ToSalesforce, Minute: last, Bucket: tenSeconds, Samples: 1},
			{Direction: tandem.ToIntercom, Minute: last - 59, Bucket: len(store.LagBuckets), Samples: 1}, // beyond the last bound
			{Direction: tandem.ToIntercom, Minute: last - 60, Bucket: second, Samples: 4},                // before the hour
		}))

		hour, err := uc.Activity(ctx, usecase.ActivityParams{Window: time.Hour, Step: time.Minute})
		require.NoError(t, err)
		require.Equal(t, usecase.LagSummary{Samples: 10, P50: time.Second, P95: 10 * time.Second}, hour.Lag[tandem.ToSalesforce])
		require.Equal(t, usecase.LagSummary{Samples: 1, P50: time.Hour, P95: time.Hour, P50Over: true, P95Over: true}, hour.Lag[tandem.ToIntercom])
		require.Len(t, hour.LagSteps[tandem.ToSalesforce], 60)
		require.Equal(t, hour.Lag[tandem.ToSalesforce], hour.LagSteps[tandem.ToSalesforce][59], "all in the current minute")
		require.Equal(t, hour.Lag[tandem.ToIntercom], hour.LagSteps[tandem.ToIntercom][0])
		for i := 1; i < 60; i++ {
			require.Zero(t, hour.LagSteps[tandem.ToIntercom][i].Samples)
		}

		day, err := uc.Activity(ctx, usecase.ActivityParams{Window: 24 * time.Hour, Step: 15 * time.Minute})
		require.NoError(t, err)
		require.Len(t, day.LagSteps[tandem.ToIntercom], 96)
		// Steps of 15 minutes: 12:07 falls in the last one (from 12:00),
		// 11:07 and 11:08 both in the one from 11:00, four steps before.
		require.Equal(t, usecase.LagSummary{Samples: 5, P50: time.Second, P95: time.Hour, P95Over: true}, day.LagSteps[tandem.ToIntercom][91])
		require.Equal(t, hour.Lag[tandem.ToSalesforce], day.LagSteps[tandem.ToSalesforce][95])
		require.Equal(t, 5, day.Lag[tandem.ToIntercom].Samples)
	})
}
