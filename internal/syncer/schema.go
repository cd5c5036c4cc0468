package syncer

import (
	"context"
	"fmt"

	"github.com/tandemhq/tandem"
	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/internal/mapping"
	"github.com/tandemhq/tandem/salesforce"
)

// ReadSchema reads Salesforce describe for the three paired objects and
// Intercom's contact and company data attributes, in the form the mapping
// package checks mappings against and the engine converts values with.
func ReadSchema(ctx context.Context, sf *salesforce.Client, ic *intercom.Client) (mapping.Schema, error) {
	s := mapping.Schema{
		Salesforce: map[string]map[string]mapping.SFField{},
		Intercom:   map[string]map[string]mapping.ICAttribute{},
	}
	for _, obj := range []tandem.Object{tandem.ObjectLead, tandem.ObjectContact, tandem.ObjectAccount} {
		d, _, err := sf.SObjects.Describe(ctx, obj.SObject())
		if err != nil {
			return s, fmt.Errorf("describe Salesforce %s: %w", obj.SObject(), err)
		}
		s.Salesforce[obj.SObject()] = SchemaFields(d)
	}
	for _, model := range []string{"contact", "company"} {
		attrs, _, err := ic.DataAttributes.List(ctx, model)
		if err != nil {
			return s, fmt.Errorf("list Intercom %s data attributes: %w", model, err)
		}
		set := map[string]mapping.ICAttribute{}
		for _, name := range mapping.StandardAttributes(model) {
			a, _ := mapping.Standard(model, name)
			set[name] = a
		}
		for _, a := range attrs {
			name := a.FullName
			if name == "" {
				name = a.Name
			}
			set[name] = mapping.ICAttribute{Name: name, DataType: a.DataType, APIWritable: a.APIWritable, Custom: a.Custom}
		}
		s.Intercom[model] = set
	}
	return s, nil
}

// SchemaFields are the fields of a Salesforce describe by name, in the form
// the mapping package checks values against (active picklist values only).
func SchemaFields(d *salesforce.DescribeSObject) map[string]mapping.SFField {
	fields := make(map[string]mapping.SFField, len(d.Fields))
	for _, f := range d.Fields {
		sf := mapping.SFField{Name: f.Name, Type: f.Type, Length: f.Length, Updateable: f.Updateable,
			Createable: f.Createable, Nillable: f.Nillable, RestrictedPicklist: f.RestrictedPicklist}
		for _, p := range f.PicklistValues {
			if p.Active {
				sf.Picklist = append(sf.Picklist, p.Value)
			}
		}
		fields[f.Name] = sf
	}
	return fields
}
