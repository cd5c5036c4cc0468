package intercom

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOwnerID_DecodesBothForms(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"owner_id":321}`, `{"owner_id":"321"}`} {
		var c Contact
		require.NoError(t, json.Unmarshal([]byte(body), &c))
		require.Equal(t, OwnerID("321"), c.OwnerID)
	}
	var c Contact
	require.NoError(t, json.Unmarshal([]byte(`{"owner_id":null}`), &c))
	require.Empty(t, c.OwnerID)
	require.Error(t, json.Unmarshal([]byte(`{"owner_id":{}}`), &c))

	b, err := json.Marshal(OwnerID("7"))
	require.NoError(t, err)
	require.Equal(t, `"7"`, string(b))
	b, err = json.Marshal(OwnerID(""))
	require.NoError(t, err)
	require.Equal(t, `null`, string(b))
}

func TestEncodeOwnerID(t *testing.T) {
	t.Parallel()
	require.Equal(t, `321`, string(EncodeOwnerID("321", "2.14")))
	require.Equal(t, `321`, string(EncodeOwnerID("321", "2.15")))
	require.Equal(t, `"321"`, string(EncodeOwnerID("321", "2.16")))
	require.Equal(t, `"321"`, string(EncodeOwnerID("321", "Unstable")))
	require.Equal(t, `"321"`, string(EncodeOwnerID("321", "3.0")))
	require.Equal(t, `"abc"`, string(EncodeOwnerID("abc", "2.14")))
	require.Equal(t, `null`, string(EncodeOwnerID("", "2.16")))
	require.True(t, OwnerIDUsesInteger("1.4"))
	require.False(t, OwnerIDUsesInteger("2.x"))
}

func TestFlexIDAndAvatarAndPlan(t *testing.T) {
	t.Parallel()
	var a struct {
		ID     FlexID  `json:"id"`
		Avatar *Avatar `json:"avatar"`
		Plan   *Plan   `json:"plan"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"id":991267696,"avatar":"https://x/a.png","plan":"pro"}`), &a))
	require.Equal(t, FlexID("991267696"), a.ID)
	require.Equal(t, "https://x/a.png", a.Avatar.ImageURL)
	require.Equal(t, "pro", a.Plan.Name)
	require.NoError(t, json.Unmarshal([]byte(`{"id":"12","avatar":{"type":"avatar","image_url":"u"},"plan":{"type":"plan","id":"269315","name":"Pro"}}`), &a))
	require.Equal(t, FlexID("12"), a.ID)
	require.Equal(t, Avatar{Type: "avatar", ImageURL: "u"}, *a.Avatar)
	require.Equal(t, Plan{Type: "plan", ID: "269315", Name: "Pro"}, *a.Plan)
	require.NoError(t, json.Unmarshal([]byte(`{"plan":{}}`), &a))
	require.Equal(t, Plan{}, *a.Plan)
	require.Error(t, json.Unmarshal([]byte(`{"id":true}`), &a))
}
