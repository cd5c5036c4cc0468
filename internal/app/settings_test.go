package app_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/internal/app"
	"github.com/tandemhq/tandem/internal/config"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/internal/store"
	"github.com/tandemhq/tandem/internal/store/storetest"
	"github.com/tandemhq/tandem/internal/usecase"
)

func rawJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// flipJobTitle returns the mappings with the Contact's job_title ↔ Title
// mapping turned towards Salesforce.
func flipJobTitle(ms []tandem.Mapping) []tandem.Mapping {
	ms = slices.Clone(ms)
	for i, m := range ms {
		if m.Object == tandem.ObjectContact && m.Salesforce == "Title" {
			ms[i].Direction = tandem.ToSalesforce
		}
	}
	return ms
}

func TestSettingsAtRunTime(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbURL string) {
		d, err := app.StartDemo(context.Background(), app.DemoOptions{
			Listen: "127.0.0.1:0", IntercomListen: "127.0.0.1:0", SalesforceListen: "127.0.0.1:0",
			DataDir: t.TempDir(), DatabaseURL: dbURL, PollInterval: 200 * time.Millisecond,
			Configure: func(c *config.Config) {
				c.Given = config.Sources{"sync.placeholder": config.SourceFile, "budget.daily_salesforce_calls": config.SourceEnvironment}
			},
		})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, d.Close()) })
		e := &env{Demo: d, t: t}
		ctx := context.Background()
		uc := e.App.UseCases

		v, err := uc.Settings(ctx)
		require.NoError(t, err)
		require.Zero(t, v.Version)
		ph, _ := v.Setting("sync.placeholder")
		require.Equal(t, usecase.SettingFile, ph.Source)
		require.False(t, ph.Editable)
		poll, _ := v.Setting("sync.poll_interval")
		require.True(t, poll.Editable)
		tok, _ := v.Setting("admin_token")
		require.Equal(t, usecase.SettingConfigOnly, tok.Source)
		require.Equal(t, "[redacted]", tok.Text)

		t.Run("locked and configuration-only keys are refused", func(t *testing.T) {
			_, err := uc.SaveSettings(ctx, usecase.SettingsChange{Set: map[string]json.RawMessage{
				"sync.placeholder": rawJSON(t, "x"), "budget.daily_salesforce_calls": rawJSON(t, 5), "listen": rawJSON(t, ":1"),
			}})
			var se *usecase.SettingsError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err))
			require.Equal(t, []usecase.SettingsProblem{
				{Key: "budget.daily_salesforce_calls", Message: "budget.daily_salesforce_calls: set in configuration (environment): change it there"},
				{Key: "listen", Message: "listen: is configuration only: change it in the configuration file or the environment and restart"},
				{Key: "sync.placeholder", Message: "sync.placeholder: set in configuration (file): change it there"},
			}, se.Problems)
		})

		t.Run("an invalid mapping is refused with the start-up message", func(t *testing.T) {
			bad := append(mapping.Defaults(), tandem.Mapping{Object: tandem.ObjectContact, Intercom: "phone",
				Salesforce: "No_Such_Field__c", Direction: tandem.ToSalesforce})
			_, err := uc.SaveSettings(ctx, usecase.SettingsChange{Set: map[string]json.RawMessage{"mappings": rawJSON(t, bad)}})
			var se *usecase.SettingsError
			require.ErrorAs(t, err, &se)

			// The same mappings in the configuration stop start-up with
			// the same text.
			cfg := e.Demo.Config
			cfg.Mappings, cfg.DataDir, cfg.DatabaseURL = bad, t.TempDir(), ""
			_, startErr := app.New(ctx, cfg, slog.New(slog.DiscardHandler), app.Options{NoWorkers: true})
			require.Error(t, startErr)
			want := strings.TrimPrefix(startErr.Error(), "invalid mappings:\n")
			require.Equal(t, want, se.Error())
			require.Contains(t, se.Error(), "No_Such_Field__c")
			for _, p := range se.Problems {
				require.Equal(t, "mappings", p.Key)
			}
			_, err = uc.SaveSettings(ctx, usecase.SettingsChange{Set: map[string]json.RawMessage{"sync.poll_interval": rawJSON(t, "-1s")}})
			require.ErrorAs(t, err, &se)
			require.Equal(t, []usecase.SettingsProblem{{Key: "sync.poll_interval", Message: "sync.poll_interval: must be positive, got -1s"}}, se.Problems)

			after, err := uc.Settings(ctx)
			require.NoError(t, err)
			require.Zero(t, after.Version, "nothing saved")
		})

		t.Run("a valid change is saved, audited and applied", func(t *testing.T) {
			icID, sfID, _ := e.aUser("ivy@example.com")
			eventually(t, "first alignment", func() bool { return customAttr(e.ic(icID), "job_title") == "Engineer" })
			e.idle()

			flipped := flipJobTitle(e.App.Config.Mappings)
			saved, err := uc.SaveSettings(ctx, usecase.SettingsChange{By: "ops@example.com", Set: map[string]json.RawMessage{
				"mappings": rawJSON(t, flipped), "budget.bulk_share": rawJSON(t, 0.3), "ownership.fallback": rawJSON(t, "api_user"),
			}})
			require.NoError(t, err)
			require.Equal(t, int64(1), saved.Version)
			ms, _ := saved.Setting("mappings")
			require.Equal(t, usecase.SettingChanged, ms.Source)
			require.Equal(t, "ops@example.com", ms.By)
			fb, _ := saved.Setting("ownership.fallback")
			require.Equal(t, usecase.SettingDefault, fb.Source, "setting the value in force changes nothing")

			eff, version := e.App.Effective()
			require.Equal(t, int64(1), version)
			require.Equal(t, flipped, eff.Mappings)
			require.Equal(t, flipped, e.App.Syncer.Settings().Mappings)
			bulk, _ := e.App.Budget.Shares()
			require.InDelta(t, 0.3, bulk, 1e-9)

			es, err := e.App.Store.FilterAudit(ctx, store.AuditFilter{Installation: tandem.DefaultInstallation, Cause: tandem.CauseSettings})
			require.NoError(t, err)
			require.Len(t, es, 2, "one entry per changed setting")
			byField := map[string]tandem.AuditEntry{}
			for _, a := range es {
				byField[a.Field] = a
				require.Equal(t, "changed in console by ops@example.com", a.Reason)
			}
			require.Equal(t, "0.4", byField["budget.bulk_share"].OldValue)
			require.Equal(t, "0.3", byField["budget.bulk_share"].NewValue)
			require.Contains(t, byField["mappings"].NewValue, "Title")
			_, err = uc.RevertAuditEntry(ctx, byField["mappings"].ID)
			require.Equal(t, tandem.EINVALID, tandem.ErrorCode(err), "a settings entry is not a write to revert")

			// The next sync follows the new direction.
			require.NoError(t, e.Intercom.UpdateContact(icID, map[string]any{"custom_attributes": map[string]any{"job_title": "Head of Ops"}}))
			eventually(t, "job_title reaches Salesforce", func() bool { return e.sf("Contact", sfID)["Title"] == "Head of Ops" })

			_, err = uc.SaveSettings(ctx, usecase.SettingsChange{Set: map[string]json.RawMessage{"budget.bulk_share": rawJSON(t, 0.2)}})
			require.Equal(t, tandem.ECONFLICT, tandem.ErrorCode(err), "a change from an old version")
		})
	})
}

// Two processes over one Postgres database: a change saved by one is put
// in force by the other.
func TestSettingsReachEveryReplica(t *testing.T) {
	t.Parallel()
	e := startQuiet(t, storetest.PostgresURL(t))
	ctx := context.Background()
	other, err := app.New(ctx, e.Demo.Config, slog.New(slog.DiscardHandler), app.Options{NoPeriodic: true})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, other.Close()) })
	_, err = other.Start(ctx, "")
	require.NoError(t, err)

	flipped := flipJobTitle(e.App.Config.Mappings)
	_, err = e.App.UseCases.SaveSettings(ctx, usecase.SettingsChange{By: "ops", Set: map[string]json.RawMessage{
		"mappings": rawJSON(t, flipped), "sync.placeholder": rawJSON(t, "(unknown)"), "budget.event_share": rawJSON(t, 0.7),
	}})
	require.NoError(t, err)

	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, v := other.Effective(); v == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the other replica did not apply the settings")
		}
		time.Sleep(50 * time.Millisecond)
	}
	st := other.Syncer.Settings()
	require.Equal(t, flipped, st.Mappings)
	require.Equal(t, "(unknown)", st.Placeholder)
	_, event := other.Budget.Shares()
	require.InDelta(t, 0.7, event, 1e-9)
	v, err := other.UseCases.Settings(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(1), v.Version)

	// A restart keeps the change.
	again, err := app.New(ctx, e.Demo.Config, slog.New(slog.DiscardHandler), app.Options{NoWorkers: true})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, again.Close()) })
	require.Equal(t, "(unknown)", again.Config.Sync.Placeholder)
	require.Equal(t, "(unknown)", again.Syncer.Settings().Placeholder)
}

// Cases turned on at run time: the next conversation becomes a Case,
// without a restart.
func TestSettingsTurnCasesOn(t *testing.T) {
	t.Parallel()
	e := startCases(t, "", func(c *config.Config) { c.Cases.Enabled = false })
	ctx := context.Background()
	require.Nil(t, e.App.Cases)
	_, err := e.App.UseCases.SaveSettings(ctx, usecase.SettingsChange{By: "ops", Set: map[string]json.RawMessage{
		"cases.enabled": rawJSON(t, true), "cases.on_conversation_started": rawJSON(t, true),
		"cases.external_id_field": rawJSON(t, "No_Such_Field__c"),
	}})
	var se *usecase.SettingsError
	require.ErrorAs(t, err, &se, "the Cases check runs before saving")
	require.Contains(t, se.Error(), "No_Such_Field__c")

	_, err = e.App.UseCases.SaveSettings(ctx, usecase.SettingsChange{By: "ops", Set: map[string]json.RawMessage{
		"cases.enabled": rawJSON(t, true), "cases.on_conversation_started": rawJSON(t, true),
	}})
	require.NoError(t, err)
	require.True(t, e.App.UseCases.CasesEnabled())

	icID, _, _ := e.aUser("cases.on@example.com")
	convID, err := e.Intercom.CreateConversation(icID, "Turned on a minute ago.")
	require.NoError(t, err)
	c := e.oneCase(t, convID)
	require.Equal(t, "Turned on a minute ago.", c["Subject"])
}

// The JSON API reads and changes settings through the same use cases.
func TestSettingsAPI(t *testing.T) {
	t.Parallel()
	e := startQuiet(t, "", func(c *config.Config) { c.Given = config.Sources{"sync.placeholder": config.SourceFile} })
	call := func(method, body string) (int, map[string]any) {
		t.Helper()
		req, err := http.NewRequest(method, e.URL+"/api/v1/settings", strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+app.DemoToken)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		return res.StatusCode, out
	}
	status, out := call("GET", "")
	require.Equal(t, http.StatusOK, status)
	require.EqualValues(t, 0, out["version"])
	find := func(out map[string]any, key string) map[string]any {
		for _, s := range out["settings"].([]any) {
			if m := s.(map[string]any); m["key"] == key {
				return m
			}
		}
		t.Fatalf("no setting %s", key)
		return nil
	}
	require.Equal(t, "file", find(out, "sync.placeholder")["source"])
	require.Equal(t, false, find(out, "sync.placeholder")["editable"])

	status, out = call("PUT", `{"version": 0, "set": {"sync.placeholder": "x"}}`)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "sync.placeholder: set in configuration (file): change it there", out["error"].(map[string]any)["message"])

	status, out = call("PUT", `{"version": 0, "set": {"budget.event_share": 0.9, "tasks.tag": "log-it"}}`)
	require.Equal(t, http.StatusOK, status)
	require.EqualValues(t, 1, out["version"])
	share := find(out, "budget.event_share")
	require.Equal(t, "changed", share["source"])
	require.Equal(t, 0.9, share["value"])
	require.Equal(t, "API client at 127.0.0.1", share["changed_by"])

	status, out = call("PUT", `{"version": 0, "set": {"budget.event_share": 0.7}}`)
	require.Equal(t, http.StatusConflict, status, "a change from an old version")
	require.Equal(t, "conflict", out["error"].(map[string]any)["code"])

	status, out = call("PUT", `{"version": 1, "reset": ["budget.event_share"]}`)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "default", find(out, "budget.event_share")["source"])
	_, event := e.App.Budget.Shares()
	require.InDelta(t, config.DefaultEventShare, event, 1e-9)
}
