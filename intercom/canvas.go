package intercom

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// CanvasSignatureHeader is the Canvas Kit request signature header.
const CanvasSignatureHeader = "X-Body-Signature"

// SignCanvasBody returns the X-Body-Signature value for body: the hex
// HMAC-SHA256 of the raw body keyed by the app's client secret.
func SignCanvasBody(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// ValidateCanvasSignature checks an X-Body-Signature header against the
// raw body in constant time. It returns ErrNoSignature or ErrBadSignature.
func ValidateCanvasSignature(body []byte, header, secret string) error {
	got, err := hex.DecodeString(strings.TrimSpace(header))
	if err != nil || len(got) != sha256.Size {
		return ErrNoSignature
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return ErrBadSignature
	}
	return nil
}

// CanvasContext says where the app is shown.
type CanvasContext struct {
	// ConversationID is sent as an integer; it decodes as a string.
	ConversationID            FlexID `json:"conversation_id,omitempty"`
	Location                  string `json:"location,omitempty"`
	Locale                    string `json:"locale,omitempty"`
	MessengerActionColour     string `json:"messenger_action_colour,omitempty"`
	MessengerBackgroundColour string `json:"messenger_background_colour,omitempty"`
	Referrer                  string `json:"referrer,omitempty"`
}

// CanvasInitializeRequest is what Intercom posts to an inbox app's
// initialize URL when a teammate opens a conversation.
type CanvasInitializeRequest struct {
	WorkspaceID         string         `json:"workspace_id,omitempty"`
	WorkspaceRegion     string         `json:"workspace_region,omitempty"`
	Admin               *Admin         `json:"admin,omitempty"`
	CardCreationOptions map[string]any `json:"card_creation_options,omitempty"`
	Context             *CanvasContext `json:"context,omitempty"`
	Conversation        *Conversation  `json:"conversation,omitempty"`
	Contact             *Contact       `json:"contact,omitempty"`
	// Customer is the older name of Contact; see Person.
	Customer *Contact `json:"customer,omitempty"`
	// AppID is the pre-1.3 name of WorkspaceID; see Workspace.
	AppID string `json:"app_id,omitempty"`
}

// Person returns the contact the request is about, whichever key carried it.
func (r *CanvasInitializeRequest) Person() *Contact {
	if r.Contact != nil {
		return r.Contact
	}
	return r.Customer
}

// Workspace returns the workspace id, whichever key carried it.
func (r *CanvasInitializeRequest) Workspace() string {
	if r.WorkspaceID != "" {
		return r.WorkspaceID
	}
	return r.AppID
}

// CanvasSubmitRequest is what Intercom posts to the submit URL when a
// teammate clicks a submit action.
type CanvasSubmitRequest struct {
	CanvasInitializeRequest
	// ComponentID is the id of the clicked component.
	ComponentID string `json:"component_id"`
	// InputValues maps each interactive component id to its value (option
	// ids for dropdowns and single-selects).
	InputValues map[string]any `json:"input_values,omitempty"`
	// CurrentCanvas is the canvas shown before, with its stored data.
	CurrentCanvas *Canvas `json:"current_canvas,omitempty"`
	// User is the contact who acted.
	User *Contact `json:"user,omitempty"`
}

// InputString returns input_values[id] as a string ("" if absent).
func (r *CanvasSubmitRequest) InputString(id string) string {
	switch v := r.InputValues[id].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// CanvasResponse is the answer to initialize and submit requests.
type CanvasResponse struct {
	Canvas *Canvas `json:"canvas"`
	// Event {"type":"completed"} ends a submit flow.
	Event               *CanvasEvent   `json:"event,omitempty"`
	CardCreationOptions map[string]any `json:"card_creation_options,omitempty"`
}

// CanvasEvent signals the end of a flow.
type CanvasEvent struct {
	Type string `json:"type"`
}

// Canvas is a UI shown by the app. Content and StoredData are each limited
// to 64 KB.
type Canvas struct {
	Content    *CanvasContent `json:"content,omitempty"`
	ContentURL string         `json:"content_url,omitempty"`
	// StoredData is echoed back in the next request.
	StoredData map[string]any `json:"stored_data,omitempty"`
}

// UnmarshalJSON accepts a canvas, or a canvas wrapped in a "canvas" or
// "current_canvas" key (as current_canvas is sent in submit requests).
func (c *Canvas) UnmarshalJSON(b []byte) error {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	_, hasContent := probe["content"]
	_, hasURL := probe["content_url"]
	_, hasStored := probe["stored_data"]
	if !hasContent && !hasURL && !hasStored {
		for _, key := range []string{"current_canvas", "canvas"} {
			if inner, ok := probe[key]; ok {
				return c.UnmarshalJSON(inner)
			}
		}
	}
	type plain Canvas
	return json.Unmarshal(b, (*plain)(c))
}

// CanvasContent holds a canvas's components.
type CanvasContent struct {
	Components []Component `json:"components"`
}

// Component is one Canvas Kit component. Use the constructors
// (TextComponent, ButtonComponent, …); fields irrelevant to a type are
// omitted from the JSON.
type Component struct {
	Type         string          `json:"type"`
	ID           string          `json:"id,omitempty"`
	Text         string          `json:"text,omitempty"`
	Align        string          `json:"align,omitempty"`
	Style        string          `json:"style,omitempty"`
	BottomMargin string          `json:"bottom_margin,omitempty"`
	Label        string          `json:"label,omitempty"`
	Placeholder  string          `json:"placeholder,omitempty"`
	Value        any             `json:"value,omitempty"`
	Error        bool            `json:"error,omitempty"`
	Size         string          `json:"size,omitempty"`
	SaveState    string          `json:"save_state,omitempty"`
	Disabled     bool            `json:"disabled,omitempty"`
	Action       *Action         `json:"action,omitempty"`
	Items        []ComponentItem `json:"items,omitempty"`
	Options      []SelectOption  `json:"options,omitempty"`
	URL          string          `json:"url,omitempty"`
	Width        int             `json:"width,omitempty"`
	Height       int             `json:"height,omitempty"`
}

// ComponentItem is an entry of a list ({type:"item", id, title, …}) or of
// a data-table ({type:"field-value", field, value}).
type ComponentItem struct {
	Type         string  `json:"type"`
	ID           string  `json:"id,omitempty"`
	Title        string  `json:"title,omitempty"`
	Subtitle     string  `json:"subtitle,omitempty"`
	TertiaryText string  `json:"tertiary_text,omitempty"`
	Image        string  `json:"image,omitempty"`
	ImageWidth   int     `json:"image_width,omitempty"`
	ImageHeight  int     `json:"image_height,omitempty"`
	RoundedImage bool    `json:"rounded_image,omitempty"`
	Disabled     bool    `json:"disabled,omitempty"`
	Action       *Action `json:"action,omitempty"`
	Field        string  `json:"field,omitempty"`
	Value        string  `json:"value,omitempty"`
}

// SelectOption is a choice of a dropdown or single-select.
type SelectOption struct {
	Type     string `json:"type"`
	ID       string `json:"id"`
	Text     string `json:"text"`
	Disabled bool   `json:"disabled,omitempty"`
}

// Action is what a click does: submit to the app, or open a URL.
type Action struct {
	Type string `json:"type"`
	URL  string `json:"url,omitempty"`
}

// SubmitAction posts a submit request to the app.
func SubmitAction() *Action { return &Action{Type: "submit"} }

// URLAction opens url in a new tab.
func URLAction(url string) *Action { return &Action{Type: "url", URL: url} }

// TextComponent is Markdown-capable text; style is header, paragraph,
// muted, error or "".
func TextComponent(id, text, style string) Component {
	return Component{Type: "text", ID: id, Text: text, Style: style}
}

// FieldValue is one row of a data table.
func FieldValue(field, value string) ComponentItem {
	return ComponentItem{Type: "field-value", Field: field, Value: value}
}

// DataTableComponent shows field/value rows.
func DataTableComponent(items ...ComponentItem) Component {
	return Component{Type: "data-table", Items: items}
}

// ListItem is one entry of a list; action may be nil.
func ListItem(id, title, subtitle string, action *Action) ComponentItem {
	return ComponentItem{Type: "item", ID: id, Title: title, Subtitle: subtitle, Action: action}
}

// ListComponent shows a list of items.
func ListComponent(items ...ComponentItem) Component {
	return Component{Type: "list", Items: items}
}

// ButtonComponent is a button; style is primary, secondary, link or "".
func ButtonComponent(id, label, style string, action *Action) Component {
	return Component{Type: "button", ID: id, Label: label, Style: style, Action: action}
}

// InputComponent is a one-line text input.
func InputComponent(id, label, placeholder, value string) Component {
	c := Component{Type: "input", ID: id, Label: label, Placeholder: placeholder}
	if value != "" {
		c.Value = value
	}
	return c
}

// NewSelectOption is a choice for DropdownComponent and SingleSelectComponent.
func NewSelectOption(id, text string) SelectOption {
	return SelectOption{Type: "option", ID: id, Text: text}
}

// SingleSelectComponent is a row of 2–10 options; value is the selected
// option id or "".
func SingleSelectComponent(id, label, value string, options ...SelectOption) Component {
	c := Component{Type: "single-select", ID: id, Label: label, Options: options}
	if value != "" {
		c.Value = value
	}
	return c
}

// DropdownComponent is a drop-down of 2–10 options; value is the selected
// option id or "".
func DropdownComponent(id, label, value string, options ...SelectOption) Component {
	c := Component{Type: "dropdown", ID: id, Label: label, Options: options}
	if value != "" {
		c.Value = value
	}
	return c
}

// DividerComponent is a horizontal rule.
func DividerComponent() Component { return Component{Type: "divider"} }

// SpacerComponent is vertical space; size is xs, s, m, l, xl or "".
func SpacerComponent(size string) Component { return Component{Type: "spacer", Size: size} }
