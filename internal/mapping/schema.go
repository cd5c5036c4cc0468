package mapping

// SFField is what tandem needs to know about one Salesforce field, taken
// from the sObject describe result.
type SFField struct {
	// Name is the field's exact API name, e.g. "Phone" or "Plan__c".
	Name string
	// Type is the describe type: string, textarea, email, phone, url,
	// combobox, picklist, multipicklist, boolean, int, double, currency,
	// percent, date, datetime, reference, id, encryptedstring (and others
	// tandem does not convert, such as time, address or base64).
	Type string
	// Length is the maximum number of characters of a text field; 0 means
	// unlimited.
	Length int
	// Updateable and Createable say whether the API user may write the field
	// on update and on insert.
	Updateable, Createable bool
	// Nillable says whether the field may be empty.
	Nillable bool
	// Picklist lists the active picklist values (the API values).
	Picklist []string
	// RestrictedPicklist says Salesforce rejects values outside Picklist.
	RestrictedPicklist bool
}

// ICAttribute is what tandem needs to know about one Intercom data
// attribute, taken from GET /data_attributes.
type ICAttribute struct {
	// Name is the full name: "phone" for a standard attribute,
	// "custom_attributes.plan" for a custom one.
	Name string
	// DataType is Intercom's data type: string, integer, float, boolean,
	// date, datetime or options (a list attribute holding strings).
	DataType string
	// APIWritable says whether the REST API may write the attribute.
	APIWritable bool
	// Custom says whether the attribute is a custom data attribute.
	Custom bool
}

// Schema is the metadata of both systems that mappings are checked against.
type Schema struct {
	// Salesforce maps an sObject name ("Lead") to its fields by exact API
	// name.
	Salesforce map[string]map[string]SFField
	// Intercom maps a model ("contact" or "company") to its attributes by
	// full name.
	Intercom map[string]map[string]ICAttribute
}
