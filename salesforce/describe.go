package salesforce

import (
	"context"
	"net/http"
	"strings"
)

// DescribeSObject is the metadata of one sObject type.
type DescribeSObject struct {
	Name            string           `json:"name"`
	Label           string           `json:"label"`
	LabelPlural     string           `json:"labelPlural"`
	KeyPrefix       string           `json:"keyPrefix"`
	Custom          bool             `json:"custom"`
	Createable      bool             `json:"createable"`
	Updateable      bool             `json:"updateable"`
	Deletable       bool             `json:"deletable"`
	Queryable       bool             `json:"queryable"`
	Fields          []Field          `json:"fields"`
	RecordTypeInfos []RecordTypeInfo `json:"recordTypeInfos"`
}

// Field describes one field of an sObject.
type Field struct {
	Name               string          `json:"name"`
	Label              string          `json:"label"`
	Type               string          `json:"type"`
	Length             int             `json:"length"`
	Nillable           bool            `json:"nillable"`
	Createable         bool            `json:"createable"`
	Updateable         bool            `json:"updateable"`
	DefaultedOnCreate  bool            `json:"defaultedOnCreate"`
	Calculated         bool            `json:"calculated"`
	AutoNumber         bool            `json:"autoNumber"`
	Unique             bool            `json:"unique"`
	ExternalID         bool            `json:"externalId"`
	IDLookup           bool            `json:"idLookup"`
	Custom             bool            `json:"custom"`
	PicklistValues     []PicklistValue `json:"picklistValues"`
	RestrictedPicklist bool            `json:"restrictedPicklist"`
	ReferenceTo        []string        `json:"referenceTo"`
	RelationshipName   string          `json:"relationshipName"`
}

// RequiredOnCreate reports whether the field must be given when a record is
// created: createable, not nillable and not defaulted. Validation rules and
// layout requirements are not visible in describe.
func (f *Field) RequiredOnCreate() bool {
	return f.Createable && !f.Nillable && !f.DefaultedOnCreate
}

// PicklistValue is one value of a picklist field.
type PicklistValue struct {
	Value        string `json:"value"`
	Label        string `json:"label"`
	Active       bool   `json:"active"`
	DefaultValue bool   `json:"defaultValue"`
}

// RecordTypeInfo describes one record type available on an sObject.
type RecordTypeInfo struct {
	Name                     string `json:"name"`
	DeveloperName            string `json:"developerName"`
	RecordTypeID             string `json:"recordTypeId"`
	Active                   bool   `json:"active"`
	Available                bool   `json:"available"`
	DefaultRecordTypeMapping bool   `json:"defaultRecordTypeMapping"`
	Master                   bool   `json:"master"`
}

// Field returns the field named name, compared without regard to case.
func (d *DescribeSObject) Field(name string) (*Field, bool) {
	for i := range d.Fields {
		if strings.EqualFold(d.Fields[i].Name, name) {
			return &d.Fields[i], true
		}
	}
	return nil, false
}

// Describe returns the metadata of object. Results are cached in the client
// per object name (without regard to case); a cached answer comes with a nil
// Response. ForgetDescribe drops cached entries.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
func (s *SObjectsService) Describe(ctx context.Context, object string) (*DescribeSObject, *Response, error) {
	if err := checkNames(object); err != nil {
		return nil, nil, err
	}
	key := strings.ToLower(object)
	c := s.client
	c.describeMu.Lock()
	cached := c.describeCache[key]
	c.describeMu.Unlock()
	if cached != nil {
		return cached, nil, nil
	}
	req, err := c.NewRequest(http.MethodGet, sobjectPath(object, "describe"), nil)
	if err != nil {
		return nil, nil, err
	}
	d := new(DescribeSObject)
	resp, err := c.Do(ctx, req, d)
	if err != nil {
		return nil, resp, err
	}
	c.describeMu.Lock()
	c.describeCache[key] = d
	c.describeMu.Unlock()
	return d, resp, nil
}

// ForgetDescribe drops the cached describe of the named objects, or of every
// object when none is named.
func (s *SObjectsService) ForgetDescribe(objects ...string) {
	c := s.client
	c.describeMu.Lock()
	defer c.describeMu.Unlock()
	if len(objects) == 0 {
		clear(c.describeCache)
		return
	}
	for _, o := range objects {
		delete(c.describeCache, strings.ToLower(o))
	}
}

// GlobalSObject summarises one sObject type in DescribeGlobal.
type GlobalSObject struct {
	Name       string `json:"name"`
	Label      string `json:"label"`
	KeyPrefix  string `json:"keyPrefix"`
	Custom     bool   `json:"custom"`
	Createable bool   `json:"createable"`
	Updateable bool   `json:"updateable"`
	Queryable  bool   `json:"queryable"`
}

// DescribeGlobalResult lists the sObject types of the org.
type DescribeGlobalResult struct {
	Encoding     string          `json:"encoding"`
	MaxBatchSize int             `json:"maxBatchSize"`
	SObjects     []GlobalSObject `json:"sobjects"`
}

// DescribeGlobal lists the org's sObject types.
//
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_describeGlobal.htm
func (s *SObjectsService) DescribeGlobal(ctx context.Context) (*DescribeGlobalResult, *Response, error) {
	req, err := s.client.NewRequest(http.MethodGet, "sobjects", nil)
	if err != nil {
		return nil, nil, err
	}
	g := new(DescribeGlobalResult)
	resp, err := s.client.Do(ctx, req, g)
	if err != nil {
		return nil, resp, err
	}
	return g, resp, nil
}
