package intercom

import (
	"context"
)

// AdminsService lists teammates and identifies the token.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/admins
type AdminsService service

// Admin is an Intercom teammate.
type Admin struct {
	Type            string  `json:"type,omitempty"`
	ID              string  `json:"id"`
	Name            string  `json:"name,omitempty"`
	Email           string  `json:"email,omitempty"`
	JobTitle        string  `json:"job_title,omitempty"`
	AwayModeEnabled bool    `json:"away_mode_enabled"`
	HasInboxSeat    bool    `json:"has_inbox_seat"`
	TeamIDs         []int64 `json:"team_ids,omitempty"`
	Avatar          *Avatar `json:"avatar,omitempty"`
	EmailVerified   bool    `json:"email_verified,omitempty"`
	// App is set only on Me: the workspace the token belongs to.
	App *App `json:"app,omitempty"`
}

// App is the workspace of the token, as reported by /me.
type App struct {
	Type                 string `json:"type,omitempty"`
	IDCode               string `json:"id_code"`
	Name                 string `json:"name,omitempty"`
	Region               string `json:"region,omitempty"`
	Timezone             string `json:"timezone,omitempty"`
	CreatedAt            int64  `json:"created_at,omitempty"`
	IdentityVerification bool   `json:"identity_verification"`
}

// AdminList is the admin.list object.
type AdminList struct {
	Type   string   `json:"type,omitempty"`
	Admins []*Admin `json:"admins"`
}

// List lists the workspace's admins.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/admins/listadmins
func (s *AdminsService) List(ctx context.Context) ([]*Admin, *Response, error) {
	var l AdminList
	resp, err := (*service)(s).get(ctx, "admins", &l)
	if err != nil {
		return nil, resp, err
	}
	return l.Admins, resp, nil
}

// Me identifies the token's admin and workspace; a cheap connection test.
//
// API docs: https://developers.intercom.com/docs/references/rest-api/api.intercom.io/admins/identifyadmin
func (s *AdminsService) Me(ctx context.Context) (*Admin, *Response, error) {
	a := new(Admin)
	resp, err := (*service)(s).get(ctx, "me", a)
	if err != nil {
		return nil, resp, err
	}
	return a, resp, nil
}
