package mapping

import "github.com/tandemhq/tandem"

// Defaults returns the mappings tandem uses when the configuration has no
// mappings section, expanded per object pair:
//
//   - people (Intercom leads ↔ Leads and users ↔ Contacts): phone →
//     Phone and custom attribute plan → Plan__c towards Salesforce; Title →
//     custom attribute job_title towards Intercom; for leads only, Status →
//     custom attribute sf_lead_status towards Intercom;
//   - companies ↔ Accounts: size (the number of employees) →
//     NumberOfEmployees towards Salesforce; Industry → the standard company
//     attribute industry towards Intercom.
//
// Every default pairs two fields that mean the same thing on both sides.
// Each call returns a fresh slice the caller may modify.
func Defaults() []tandem.Mapping {
	var ms []tandem.Mapping
	for _, o := range []tandem.Object{tandem.ObjectLead, tandem.ObjectContact} {
		ms = append(ms,
			tandem.Mapping{Object: o, Intercom: "phone", Salesforce: "Phone", Direction: tandem.ToSalesforce},
			tandem.Mapping{Object: o, Intercom: "custom_attributes.plan", Salesforce: "Plan__c", Direction: tandem.ToSalesforce},
			tandem.Mapping{Object: o, Intercom: "custom_attributes.job_title", Salesforce: "Title", Direction: tandem.ToIntercom},
		)
		if o == tandem.ObjectLead {
			ms = append(ms, tandem.Mapping{Object: o, Intercom: "custom_attributes.sf_lead_status", Salesforce: "Status", Direction: tandem.ToIntercom})
		}
	}
	return append(ms,
		tandem.Mapping{Object: tandem.ObjectAccount, Intercom: "size", Salesforce: "NumberOfEmployees", Direction: tandem.ToSalesforce},
		tandem.Mapping{Object: tandem.ObjectAccount, Intercom: "industry", Salesforce: "Industry", Direction: tandem.ToIntercom},
	)
}
