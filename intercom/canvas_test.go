package intercom

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// Vector computed independently with
// printf '%s' BODY | openssl dgst -sha256 -hmac s3cret.
const (
	vectorCanvasBody = `{"workspace_id":"ecahpwf5","component_id":"create_case"}`
	vectorCanvasSig  = "3ca86e3305348b8040dfc73a47c623e8d0f95bdbaa74ff6e320b2d908af9336f"
)

func TestCanvasSignature(t *testing.T) {
	t.Parallel()
	body := []byte(vectorCanvasBody)
	require.Equal(t, vectorCanvasSig, SignCanvasBody(body, vectorSecret))
	require.NoError(t, ValidateCanvasSignature(body, vectorCanvasSig, vectorSecret))
	require.ErrorIs(t, ValidateCanvasSignature([]byte(`{"workspace_id":"ecahpwf5","component_id":"create_lead"}`), vectorCanvasSig, vectorSecret), ErrBadSignature)
	require.ErrorIs(t, ValidateCanvasSignature(body, vectorCanvasSig, "nope"), ErrBadSignature)
	for _, h := range []string{"", "sha256=" + vectorCanvasSig, vectorCanvasSig[:40], "zz"} {
		require.ErrorIs(t, ValidateCanvasSignature(body, h, vectorSecret), ErrNoSignature, h)
	}
	// A webhook (SHA-1) signature is not a canvas signature.
	require.ErrorIs(t, ValidateCanvasSignature(body, SignBody(body, vectorSecret)[5:], vectorSecret), ErrNoSignature)
}

func TestCanvasRequests_Decode(t *testing.T) {
	t.Parallel()
	init := `{"workspace_id":"ecahpwf5","workspace_region":"us","admin":{"type":"admin","id":"991267696","name":"Sam","email":"sam@x.io"},
	  "card_creation_options":{},"context":{"conversation_id":1295,"location":"conversation","locale":"en"},
	  "conversation":{"type":"conversation","id":"1295","state":"open"},
	  "contact":{"type":"contact","id":"c1","email":"ada@example.com","owner_id":"5"}}`
	var ir CanvasInitializeRequest
	require.NoError(t, json.Unmarshal([]byte(init), &ir))
	require.Equal(t, "ecahpwf5", ir.Workspace())
	require.Equal(t, FlexID("1295"), ir.Context.ConversationID)
	require.Equal(t, "ada@example.com", ir.Person().Email)
	require.Equal(t, "991267696", ir.Admin.ID)
	require.Equal(t, "1295", ir.Conversation.ID)

	submit := `{"app_id":"old1","customer":{"type":"contact","id":"c2"},"component_id":"create_case",
	  "input_values":{"case_subject":"Login broken","case_priority":"High","count":3},
	  "current_canvas":{"current_canvas":{"content":{"components":[{"type":"text","text":"hi"}]},"stored_data":{"sf_account_id":"001"}}},
	  "context":{"conversation_id":"77"}}`
	var sr CanvasSubmitRequest
	require.NoError(t, json.Unmarshal([]byte(submit), &sr))
	require.Equal(t, "old1", sr.Workspace())
	require.Equal(t, "c2", sr.Person().ID)
	require.Equal(t, "create_case", sr.ComponentID)
	require.Equal(t, "Login broken", sr.InputString("case_subject"))
	require.Equal(t, "3", sr.InputString("count"))
	require.Empty(t, sr.InputString("missing"))
	require.Equal(t, "001", sr.CurrentCanvas.StoredData["sf_account_id"])
	require.Equal(t, "hi", sr.CurrentCanvas.Content.Components[0].Text)
	require.Equal(t, FlexID("77"), sr.Context.ConversationID)

	var plain CanvasSubmitRequest
	require.NoError(t, json.Unmarshal([]byte(`{"current_canvas":{"stored_data":{"k":"v"}}}`), &plain))
	require.Equal(t, "v", plain.CurrentCanvas.StoredData["k"])
	require.Error(t, json.Unmarshal([]byte(`{"current_canvas":[1]}`), &plain))
}

func TestCanvasResponse_Encode(t *testing.T) {
	t.Parallel()
	resp := CanvasResponse{Canvas: &Canvas{
		Content: &CanvasContent{Components: []Component{
			TextComponent("hdr", "*Acme Corp* — Customer", "header"),
			DataTableComponent(FieldValue("Owner", "Jane Doe"), FieldValue("Open opportunities", "2 ($45,000)")),
			DividerComponent(),
			ListComponent(ListItem("case_500xx", "00001026 – Login broken", "Open", URLAction("https://acme.my.salesforce.com/500xx"))),
			SpacerComponent("s"),
			DropdownComponent("case_priority", "Priority", "Medium", NewSelectOption("High", "High"), NewSelectOption("Medium", "Medium")),
			SingleSelectComponent("case_type", "Type", "", NewSelectOption("bug", "Bug"), NewSelectOption("q", "Question")),
			InputComponent("case_subject", "Subject", "…", ""),
			InputComponent("lead_company", "Company", "", "Acme"),
			ButtonComponent("create_case", "Create Salesforce Case", "primary", SubmitAction()),
		}},
		StoredData: map[string]any{"sf_account_id": "001xx000003DGb2AAG"},
	}}
	got, err := json.Marshal(resp)
	require.NoError(t, err)
	require.JSONEq(t, `{"canvas":{"content":{"components":[
	  {"type":"text","id":"hdr","text":"*Acme Corp* — Customer","style":"header"},
	  {"type":"data-table","items":[{"type":"field-value","field":"Owner","value":"Jane Doe"},{"type":"field-value","field":"Open opportunities","value":"2 ($45,000)"}]},
	  {"type":"divider"},
	  {"type":"list","items":[{"type":"item","id":"case_500xx","title":"00001026 – Login broken","subtitle":"Open","action":{"type":"url","url":"https://acme.my.salesforce.com/500xx"}}]},
	  {"type":"spacer","size":"s"},
	  {"type":"dropdown","id":"case_priority","label":"Priority","value":"Medium","options":[{"type":"option","id":"High","text":"High"},{"type":"option","id":"Medium","text":"Medium"}]},
	  {"type":"single-select","id":"case_type","label":"Type","options":[{"type":"option","id":"bug","text":"Bug"},{"type":"option","id":"q","text":"Question"}]},
	  {"type":"input","id":"case_subject","label":"Subject","placeholder":"…"},
	  {"type":"input","id":"lead_company","label":"Company","value":"Acme"},
	  {"type":"button","id":"create_case","label":"Create Salesforce Case","style":"primary","action":{"type":"submit"}}]},
	  "stored_data":{"sf_account_id":"001xx000003DGb2AAG"}}}`, string(got))

	var back CanvasResponse
	require.NoError(t, json.Unmarshal(got, &back))
	require.Equal(t, "001xx000003DGb2AAG", back.Canvas.StoredData["sf_account_id"])
	require.Len(t, back.Canvas.Content.Components, 10)

	done, err := json.Marshal(CanvasResponse{Canvas: &Canvas{Content: &CanvasContent{Components: []Component{TextComponent("", "Done", "")}}}, Event: &CanvasEvent{Type: "completed"}})
	require.NoError(t, err)
	require.JSONEq(t, `{"canvas":{"content":{"components":[{"type":"text","text":"Done"}]}},"event":{"type":"completed"}}`, string(done))
}
