package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tandemhq/tandem"
)

// Settings is an installation's stored settings document: the settings
// changed at run time, as JSON, with the version of its last save.
type Settings struct {
	Installation string
	// Document is the JSON of the overrides; "" when nothing was saved.
	Document string
	// Version counts saves; 0 when nothing was saved.
	Version   int64
	UpdatedAt time.Time
	UpdatedBy string
}

// GetSettings returns the installation's settings document, or one with
// version 0 and no document when none was saved yet.
func (q *queries) GetSettings(ctx context.Context, inst string) (Settings, error) {
	s := Settings{Installation: inst}
	var at int64
	err := q.x.QueryRowContext(ctx, `SELECT document, version, updated_at, updated_by FROM tandem_settings
		WHERE installation_id = $1`, inst).Scan(&s.Document, &s.Version, &at, &s.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	} else if err != nil {
		return Settings{}, fmt.Errorf("get settings: %w", err)
	}
	s.UpdatedAt = fromMicros(at)
	return s, nil
}

// SettingsVersion returns the version of the installation's settings
// document (0 when none was saved): the cheap question every replica asks
// to notice a change.
func (q *queries) SettingsVersion(ctx context.Context, inst string) (int64, error) {
	var v int64
	err := q.x.QueryRowContext(ctx, `SELECT version FROM tandem_settings WHERE installation_id = $1`, inst).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("get settings version: %w", err)
	}
	return v, nil
}

// SaveSettingsParams is a new settings document and the version it was
// based on.
type SaveSettingsParams struct {
	Installation string
	Document     string
	// Expected is the version the document replaces (0: none saved yet).
	Expected int64
	By       string
}

// SaveSettings stores the document as version Expected+1 and returns it.
// When the stored version is not Expected — someone saved in between — it
// stores nothing and returns an ECONFLICT error.
func (q *queries) SaveSettings(ctx context.Context, p SaveSettingsParams) (Settings, error) {
	now := q.nowMicros()
	var err error
	var v int64
	if p.Expected == 0 {
		err = q.x.QueryRowContext(ctx, `INSERT INTO tandem_settings (installation_id, document, version, updated_at, updated_by)
			VALUES ($1, $2, 1, $3, $4)
			ON CONFLICT (installation_id) DO NOTHING
			RETURNING version`, p.Installation, p.Document, now, p.By).Scan(&v)
	} else {
		err = q.x.QueryRowContext(ctx, `UPDATE tandem_settings SET document = $1, version = version + 1, updated_at = $2, updated_by = $3
			WHERE installation_id = $4 AND version = $5
			RETURNING version`, p.Document, now, p.By, p.Installation, p.Expected).Scan(&v)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Settings{}, tandem.Errorf(tandem.ECONFLICT,
			"The settings were changed by someone else since you opened them. Reload them and make your change again.")
	} else if err != nil {
		return Settings{}, fmt.Errorf("save settings: %w", err)
	}
	return Settings{Installation: p.Installation, Document: p.Document, Version: v, UpdatedAt: fromMicros(now), UpdatedBy: p.By}, nil
}
