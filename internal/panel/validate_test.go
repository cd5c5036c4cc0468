package panel

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tandemhq/tandem/intercom"
)

func TestValidateCanvas(t *testing.T) {
	t.Parallel()
	canvas := func(cs ...intercom.Component) *intercom.CanvasResponse {
		return &intercom.CanvasResponse{Canvas: &intercom.Canvas{Content: &intercom.CanvasContent{Components: cs}}}
	}
	opt := func(n int) []intercom.SelectOption {
		var out []intercom.SelectOption
		for i := range n {
			out = append(out, intercom.NewSelectOption(strings.Repeat("o", i+1), "Option"))
		}
		return out
	}
	require.NoError(t, ValidateCanvas(canvas(intercom.TextComponent("", "Hi", "header"),
		intercom.SingleSelectComponent("s", "", "o", opt(2)...), intercom.DataTableComponent(intercom.FieldValue("a", "b")),
		intercom.ButtonComponent("b", "Open", "link", intercom.URLAction("https://example.com")))))

	for name, tc := range map[string]struct {
		c    *intercom.CanvasResponse
		want string
	}{
		"no canvas":           {&intercom.CanvasResponse{}, "no canvas"},
		"button lacks action": {canvas(intercom.Component{Type: "button", ID: "b", Label: "x"}), `lacks "action"`},
		"one option":          {canvas(intercom.DropdownComponent("d", "", "", opt(1)...)), "2 to 10"},
		"eleven options":      {canvas(intercom.SingleSelectComponent("s", "", "", opt(11)...)), "2 to 10"},
		"value not an option": {canvas(intercom.DropdownComponent("d", "", "zz", opt(2)...)), "not one of its options"},
		"sheet action":        {canvas(intercom.ButtonComponent("b", "x", "", &intercom.Action{Type: "sheet", URL: "https://x"})), "Messenger-only"},
		"relative url":        {canvas(intercom.ButtonComponent("b", "x", "", intercom.URLAction("/lightning/r/Case/1/view"))), "absolute url"},
		"repeated id":         {canvas(intercom.ButtonComponent("b", "x", "", intercom.SubmitAction()), intercom.ButtonComponent("b", "y", "", intercom.SubmitAction())), "repeats id"},
		"list item no title":  {canvas(intercom.ListComponent(intercom.ListItem("i", "", "", nil))), "needs type"},
		"unknown type":        {canvas(intercom.Component{Type: "carousel"}), "unknown type"},
		"dropdown action":     {canvas(intercom.Component{Type: "dropdown", ID: "d", Options: opt(2), Action: intercom.SubmitAction()}), "may not have an action"},
		"stored data 64 KB":   {&intercom.CanvasResponse{Canvas: &intercom.Canvas{Content: &intercom.CanvasContent{Components: []intercom.Component{intercom.TextComponent("", "x", "")}}, StoredData: map[string]any{"x": strings.Repeat("a", 70000)}}}, "over 64 KB"},
	} {
		err := ValidateCanvas(tc.c)
		require.ErrorContains(t, err, tc.want, name)
	}
}
