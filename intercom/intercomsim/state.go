package intercomsim

// contact is the stored form of an Intercom contact (user or lead).
type contact struct {
	ID               string
	Role             string
	Email            string
	ExternalID       string
	Name             string
	Phone            string
	OwnerID          string // admin id, "" when unowned
	CreatedAt        int64
	UpdatedAt        int64
	SignedUpAt       int64
	LastSeenAt       int64
	Unsubscribed     bool
	Archived         bool
	CustomAttributes map[string]any
	CompanyIDs       []string // Intercom company ids
	TagIDs           []string
	NoteIDs          []string
	MergedInto       string // canonical id once merged away
	deleted          bool
	seq              int // creation order, the tie breaker of lists
}

// company is the stored form of an Intercom company.
type company struct {
	ID               string
	CompanyID        string
	Name             string
	Website          string
	Industry         string
	Size             int64
	MonthlySpend     int64
	Plan             string
	CreatedAt        int64
	UpdatedAt        int64
	RemoteCreatedAt  int64
	CustomAttributes map[string]any
	TagIDs           []string
	deleted          bool
	seq              int
	// members holds the live (not deleted, not merged) contacts attached
	// to the company; its size is the company's user_count.
	members map[*contact]struct{}
}

// admin is a teammate of the workspace.
type admin struct {
	ID    string
	Name  string
	Email string
}

// tag is a workspace tag.
type tag struct {
	ID   string
	Name string
}

// note is a note on a contact.
type note struct {
	ID        string
	ContactID string
	AdminID   string
	Body      string
	CreatedAt int64
}

// dataAttribute is a custom data attribute definition for contacts or
// companies, or a conversation attribute (model "conversation").
type dataAttribute struct {
	ID          int64
	Model       string
	Name        string
	DataType    string
	Description string
	Archived    bool
	CreatedAt   int64
}

// appliedTag is a tag on a conversation.
type appliedTag struct {
	TagID     string
	AppliedAt int64
	AdminID   string
}

// part is one conversation part.
type part struct {
	ID         string
	PartType   string
	Body       string // HTML, "" renders as null
	CreatedAt  int64
	AuthorType string // admin, user, lead, bot
	AuthorID   string
	AssignedTo string // admin id for assignment parts
	Tags       []appliedTag
	// AppPackageCode is set on parts created through the REST API: the
	// code of the app that made them.
	AppPackageCode string
}

// conversation is the stored form of a conversation.
type conversation struct {
	ID               string
	Title            string
	CreatedAt        int64
	UpdatedAt        int64
	State            string // open, closed, snoozed
	Read             bool
	Priority         string // 2.16 vocabulary
	AdminAssigneeID  int64  // 0 = unassigned
	TeamAssigneeID   int64
	ContactIDs       []string
	SourceID         string
	SourceType       string
	DeliveredAs      string
	Subject          string
	Body             string
	AuthorType       string
	AuthorID         string
	Parts            []*part
	Tags             []appliedTag
	CustomAttributes map[string]any
	seq              int
}

// maxParts is how many of the most recent parts Intercom returns.
const maxParts = 500
