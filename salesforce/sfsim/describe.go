package sfsim

import (
	"encoding/json"
	"fmt"
	"strconv"
)

type picklistEntry struct {
	Active       bool    `json:"active"`
	DefaultValue bool    `json:"defaultValue"`
	Label        string  `json:"label"`
	ValidFor     *string `json:"validFor"`
	Value        string  `json:"value"`
}

type fieldDescribe struct {
	AutoNumber            bool            `json:"autoNumber"`
	ByteLength            int             `json:"byteLength"`
	Calculated            bool            `json:"calculated"`
	CaseSensitive         bool            `json:"caseSensitive"`
	ControllerName        *string         `json:"controllerName"`
	Createable            bool            `json:"createable"`
	Custom                bool            `json:"custom"`
	DefaultValue          any             `json:"defaultValue"`
	DefaultedOnCreate     bool            `json:"defaultedOnCreate"`
	DependentPicklist     bool            `json:"dependentPicklist"`
	Digits                int             `json:"digits"`
	ExternalID            bool            `json:"externalId"`
	Filterable            bool            `json:"filterable"`
	Groupable             bool            `json:"groupable"`
	HTMLFormatted         bool            `json:"htmlFormatted"`
	IDLookup              bool            `json:"idLookup"`
	Label                 string          `json:"label"`
	Length                int             `json:"length"`
	Name                  string          `json:"name"`
	NameField             bool            `json:"nameField"`
	Nillable              bool            `json:"nillable"`
	PicklistValues        []picklistEntry `json:"picklistValues"`
	PolymorphicForeignKey bool            `json:"polymorphicForeignKey"`
	Precision             int             `json:"precision"`
	ReferenceTo           []string        `json:"referenceTo"`
	RelationshipName      *string         `json:"relationshipName"`
	RestrictedPicklist    bool            `json:"restrictedPicklist"`
	Scale                 int             `json:"scale"`
	SoapType              string          `json:"soapType"`
	Sortable              bool            `json:"sortable"`
	Type                  string          `json:"type"`
	Unique                bool            `json:"unique"`
	Updateable            bool            `json:"updateable"`
}

type recordTypeInfo struct {
	Active                   bool              `json:"active"`
	Available                bool              `json:"available"`
	DefaultRecordTypeMapping bool              `json:"defaultRecordTypeMapping"`
	DeveloperName            string            `json:"developerName"`
	Master                   bool              `json:"master"`
	Name                     string            `json:"name"`
	RecordTypeID             string            `json:"recordTypeId"`
	URLs                     map[string]string `json:"urls"`
}

type childRelDescribe struct {
	CascadeDelete       bool   `json:"cascadeDelete"`
	ChildSObject        string `json:"childSObject"`
	DeprecatedAndHidden bool   `json:"deprecatedAndHidden"`
	Field               string `json:"field"`
	RelationshipName    string `json:"relationshipName"`
}

type objectSummary struct {
	Activateable  bool              `json:"activateable"`
	Createable    bool              `json:"createable"`
	Custom        bool              `json:"custom"`
	Deletable     bool              `json:"deletable"`
	KeyPrefix     string            `json:"keyPrefix"`
	Label         string            `json:"label"`
	LabelPlural   string            `json:"labelPlural"`
	Layoutable    bool              `json:"layoutable"`
	Name          string            `json:"name"`
	Queryable     bool              `json:"queryable"`
	Replicateable bool              `json:"replicateable"`
	Retrieveable  bool              `json:"retrieveable"`
	Searchable    bool              `json:"searchable"`
	Triggerable   bool              `json:"triggerable"`
	Undeletable   bool              `json:"undeletable"`
	Updateable    bool              `json:"updateable"`
	URLs          map[string]string `json:"urls"`
}

type objectDescribe struct {
	objectSummary
	ChildRelationships []childRelDescribe `json:"childRelationships"`
	Fields             []fieldDescribe    `json:"fields"`
	RecordTypeInfos    []recordTypeInfo   `json:"recordTypeInfos"`
}

func soapType(f *field) string {
	switch f.typ {
	case "id", "reference":
		return "tns:ID"
	case "boolean":
		return "xsd:boolean"
	case "int":
		return "xsd:int"
	case "double", "currency", "percent":
		return "xsd:double"
	case "date":
		return "xsd:date"
	case "datetime":
		return "xsd:dateTime"
	}
	return "xsd:string"
}

func (s *Server) summary(q *apiReq, o *object) objectSummary {
	base := q.base + "/sobjects/" + o.name
	writable := !o.setup
	return objectSummary{
		Createable: writable, Custom: o.custom, Deletable: writable, KeyPrefix: o.keyPrefix, Label: o.label,
		LabelPlural: o.labelPlural, Layoutable: writable, Name: o.name, Queryable: true, Replicateable: writable,
		Retrieveable: true, Searchable: writable, Triggerable: writable, Undeletable: writable, Updateable: writable,
		URLs: map[string]string{"sobject": base, "describe": base + "/describe", "rowTemplate": base + "/{ID}"},
	}
}

func describeField(f *field) fieldDescribe {
	d := fieldDescribe{
		AutoNumber: f.name == "CaseNumber", Createable: f.createable, Updateable: f.updateable, Custom: f.custom,
		DefaultedOnCreate: f.defaulted || f.name == "Id" || f.name == "CreatedDate" || f.name == "CreatedById" ||
			f.name == "LastModifiedDate" || f.name == "LastModifiedById" || f.name == "SystemModstamp" || f.name == "CaseNumber",
		ExternalID: f.externalID, Filterable: true, Groupable: f.kind != kindDateTime, IDLookup: f.name == "Id" || f.externalID || f.typ == "email",
		Label: f.label, Length: f.length, Name: f.name, NameField: f.name == "Name" || f.name == "CaseNumber",
		Nillable: f.nillable, PicklistValues: []picklistEntry{}, PolymorphicForeignKey: f.polymorphic(),
		ReferenceTo: append([]string{}, f.referenceTo...), RestrictedPicklist: f.restricted, SoapType: soapType(f),
		Sortable: true, Type: f.typ, Unique: f.unique,
	}
	if f.kind == kindString || f.kind == kindID {
		d.ByteLength = 3 * f.length
	}
	if f.kind == kindNumber {
		d.Precision, d.Scale = 18, 2
		if f.integer {
			d.Digits, d.Precision, d.Scale = 9, 0, 0
		}
	}
	if f.typ == "boolean" {
		d.DefaultValue = false
	}
	if f.defaultValue != "" {
		d.DefaultValue = f.defaultValue
	}
	if f.relName != "" {
		rn := f.relName
		d.RelationshipName = &rn
	}
	for _, v := range f.picklist {
		d.PicklistValues = append(d.PicklistValues, picklistEntry{Active: true, DefaultValue: v == f.defaultValue, Label: v, Value: v})
	}
	return d
}

func (s *Server) describe(q *apiReq, o *object) []byte {
	d := objectDescribe{objectSummary: s.summary(q, o), ChildRelationships: []childRelDescribe{}}
	for _, c := range o.children {
		d.ChildRelationships = append(d.ChildRelationships, childRelDescribe{ChildSObject: c.object, Field: c.field, RelationshipName: c.name})
	}
	for _, f := range o.fields {
		fd := describeField(f)
		if o.setup {
			fd.Createable, fd.Updateable = false, false
		}
		d.Fields = append(d.Fields, fd)
	}
	rtURL := func(id string) map[string]string {
		return map[string]string{"layout": q.base + "/sobjects/" + o.name + "/describe/layouts/" + id}
	}
	var infos []recordTypeInfo
	def := s.defaultRecordType(q.user, o)
	for _, r := range s.activeRecordTypes(o) {
		infos = append(infos, recordTypeInfo{Active: true, Available: s.recordTypeAvailable(q.user, r.id),
			DefaultRecordTypeMapping: r.id == def, DeveloperName: getStr(r.obj, r.vals, "DeveloperName"),
			Name: getStr(r.obj, r.vals, "Name"), RecordTypeID: r.id, URLs: rtURL(r.id)})
	}
	infos = append(infos, recordTypeInfo{Active: true, Available: true, DefaultRecordTypeMapping: def == "",
		DeveloperName: "Master", Master: true, Name: "Master", RecordTypeID: masterRecordType, URLs: rtURL(masterRecordType)})
	d.RecordTypeInfos = infos
	b, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("sfsim: describe: %v", err))
	}
	return b
}

func (s *Server) describeGlobal(q *apiReq) response {
	var list []objectSummary
	for _, o := range s.objectList {
		list = append(list, s.summary(q, o))
	}
	b, _ := json.Marshal(struct {
		Encoding     string          `json:"encoding"`
		MaxBatchSize int             `json:"maxBatchSize"`
		SObjects     []objectSummary `json:"sobjects"`
	}{"UTF-8", 200, list})
	return jsonResp(200, b)
}

func (s *Server) basicInfo(q *apiReq, o *object) response {
	b, _ := json.Marshal(struct {
		ObjectDescribe objectSummary `json:"objectDescribe"`
		RecentItems    []any         `json:"recentItems"`
	}{s.summary(q, o), []any{}})
	return jsonResp(200, b)
}

func releaseLabel(v int) string {
	k := v - 60
	season := ((k % 3) + 3) % 3
	year := 24 + k/3
	if k < 0 && k%3 != 0 {
		year--
	}
	names := []string{"Spring", "Summer", "Winter"}
	if season == 2 {
		year++
	}
	return fmt.Sprintf("%s '%02d", names[season], year)
}

func (s *Server) versions() response {
	b := []byte{'['}
	for v := 50; v <= 66; v++ {
		if v > 50 {
			b = append(b, ',')
		}
		ver := strconv.Itoa(v) + ".0"
		b = append(b, `{"label":`...)
		b = appendString(b, releaseLabel(v))
		b = append(b, `,"url":`...)
		b = appendString(b, "/services/data/v"+ver)
		b = append(b, `,"version":`...)
		b = appendString(b, ver)
		b = append(b, '}')
	}
	return jsonResp(200, append(b, ']'))
}

func (s *Server) resources(q *apiReq) response {
	b := []byte{'{'}
	for i, name := range []string{"tooling", "metadata", "eclair", "folders", "prechatForms", "contact-tracing", "jsonxform",
		"tableau", "chatter", "payments", "tabs", "appMenu", "quickActions", "queryAll", "commerce", "wave", "iot", "analytics",
		"search", "identity", "composite", "parameterizedSearch", "fingerprint", "theme", "nouns", "event", "serviceTemplates",
		"recent", "connect", "licensing", "limits", "process", "async-queries", "query", "match", "emailConnect", "compactLayouts",
		"knowledgeManagement", "sobjects", "actions", "support"} {
		b = appendKey(b, i == 0, name)
		b = appendString(b, q.base+"/"+name)
	}
	return jsonResp(200, append(b, '}'))
}
