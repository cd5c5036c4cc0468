package salesforce

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSObjects_Get(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET "+apiPath("sobjects/Lead/00QA"), func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "Id,Email,Owner.Email", r.URL.Query().Get("fields"))
		writeJSON(w, 200, `{"attributes":{"type":"Lead"},"Id":"00QA","Email":"ada@example.com","Owner":{"Email":"o@x.io"}}`)
	})
	mux.HandleFunc("GET "+apiPath("sobjects/Lead/00QB"), func(w http.ResponseWriter, r *http.Request) {
		require.Empty(t, r.URL.RawQuery)
		writeJSON(w, 404, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
	})
	rec, _, err := c.SObjects.Get(t.Context(), "Lead", "00QA", []string{"Id", "Email", "Owner.Email"})
	require.NoError(t, err)
	require.Equal(t, "o@x.io", rec.String("Owner.Email"))
	_, resp, err := c.SObjects.Get(t.Context(), "Lead", "00QB", nil)
	require.ErrorIs(t, err, ErrNotFound)
	require.Equal(t, 404, resp.StatusCode)
	_, _, err = c.SObjects.Get(t.Context(), "Lead", "", nil)
	require.ErrorContains(t, err, "empty")
}

func TestSObjects_CreateUpdateDelete(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("POST "+apiPath("sobjects/Lead"), func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"LastName":"Lovelace","Company":"Analytical"}`)
		writeJSON(w, 201, `{"id":"00QNEW","success":true,"errors":[]}`)
	})
	mux.HandleFunc("PATCH "+apiPath("sobjects/Lead/00QNEW"), func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"Email":null,"Title":"Countess"}`)
		w.WriteHeader(http.StatusNoContent)
	})
	var deletes atomic.Int32
	mux.HandleFunc("DELETE "+apiPath("sobjects/Lead/00QNEW"), func(w http.ResponseWriter, r *http.Request) {
		if deletes.Add(1) == 1 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, 404, `[{"errorCode":"ENTITY_IS_DELETED","message":"entity is deleted"}]`)
	})
	id, resp, err := c.SObjects.Create(t.Context(), "Lead", map[string]any{"LastName": "Lovelace", "Company": "Analytical"})
	require.NoError(t, err)
	require.Equal(t, "00QNEW", id)
	require.Equal(t, 201, resp.StatusCode)
	resp, err = c.SObjects.Update(t.Context(), "Lead", id, map[string]any{"Email": nil, "Title": "Countess"})
	require.NoError(t, err)
	require.Equal(t, 204, resp.StatusCode)
	_, err = c.SObjects.Delete(t.Context(), "Lead", id)
	require.NoError(t, err)
	_, err = c.SObjects.Delete(t.Context(), "Lead", id)
	require.ErrorIs(t, err, ErrEntityDeleted)
}

func TestSObjects_ValidationErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body  string
		wants []error
	}{
		{`[{"errorCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [Company]","fields":["Company"]}]`, []error{ErrValidation, ErrRequiredFieldMissing}},
		{`[{"errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","message":"Phone must have 10 digits","fields":[]}]`, []error{ErrValidation, ErrCustomValidation}},
		{`[{"errorCode":"INVALID_EMAIL_ADDRESS","message":"Email: invalid email address: nope","fields":["Email"]}]`, []error{ErrValidation, ErrBadValue}},
		{`[{"errorCode":"STRING_TOO_LONG","message":"Last Name: data value too large","fields":["LastName"]}]`, []error{ErrValidation, ErrBadValue}},
		{`[{"errorCode":"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST","message":"Status: bad value for restricted picklist field: Nope","fields":["Status"]}]`, []error{ErrValidation, ErrBadValue}},
		{`[{"errorCode":"DUPLICATE_VALUE","message":"duplicate value found: Ext__c duplicates value on record with id: 00Q1","fields":[]}]`, []error{ErrDuplicateValue}},
		{`[{"errorCode":"INSUFFICIENT_ACCESS_OR_READONLY","message":"insufficient access rights on object id"}]`, []error{ErrInsufficientAccess}},
	}
	for _, tc := range cases {
		c, mux := setup(t)
		mux.HandleFunc("POST "+apiPath("sobjects/Lead"), func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 400, tc.body)
		})
		_, _, err := c.SObjects.Create(t.Context(), "Lead", map[string]any{"LastName": "x"})
		for _, want := range tc.wants {
			require.ErrorIs(t, err, want, tc.body)
		}
		require.NotErrorIs(t, err, ErrNotFound)
	}
}

func TestSObjects_Upsert(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("PATCH "+apiPath("sobjects/Account/Ext_Id__c/{value}"), func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"Name":"Acme"}`)
		switch r.PathValue("value") {
		case "new 1":
			require.Contains(t, r.URL.EscapedPath(), "new%201")
			writeJSON(w, 201, `{"id":"001NEW","success":true,"errors":[],"created":true}`)
		case "old":
			writeJSON(w, 200, `{"id":"001OLD","success":true,"errors":[],"created":false}`)
		case "legacy":
			w.WriteHeader(http.StatusNoContent)
		case "twice":
			writeJSON(w, 300, `["/services/data/v62.0/sobjects/Account/001A","/services/data/v62.0/sobjects/Account/001B"]`)
		}
	})
	mux.HandleFunc("PATCH "+apiPath("sobjects/Account/Nope__c/x"), func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, `[{"errorCode":"NOT_FOUND","message":"Provided external ID field does not exist or is not accessible: Nope__c"}]`)
	})
	body := map[string]any{"Name": "Acme"}
	res, _, err := c.SObjects.Upsert(t.Context(), "Account", "Ext_Id__c", "new 1", body)
	require.NoError(t, err)
	require.Equal(t, &UpsertResult{ID: "001NEW", Created: true}, res)
	res, _, err = c.SObjects.Upsert(t.Context(), "Account", "Ext_Id__c", "old", body)
	require.NoError(t, err)
	require.Equal(t, &UpsertResult{ID: "001OLD", Created: false}, res)
	res, _, err = c.SObjects.Upsert(t.Context(), "Account", "Ext_Id__c", "legacy", body)
	require.NoError(t, err)
	require.Equal(t, &UpsertResult{}, res)
	_, resp, err := c.SObjects.Upsert(t.Context(), "Account", "Ext_Id__c", "twice", body)
	require.ErrorIs(t, err, ErrMultipleMatches)
	require.Equal(t, 300, resp.StatusCode)
	var me *MultipleMatchesError
	require.ErrorAs(t, err, &me)
	require.Equal(t, []string{"/services/data/v62.0/sobjects/Account/001A", "/services/data/v62.0/sobjects/Account/001B"}, me.URLs)
	_, _, err = c.SObjects.Upsert(t.Context(), "Account", "Nope__c", "x", body)
	require.ErrorIs(t, err, ErrNotFound)
}

const leadDescribe = `{
	"name": "Lead", "label": "Lead", "labelPlural": "Leads", "keyPrefix": "00Q",
	"createable": true, "updateable": true, "deletable": true, "queryable": true,
	"fields": [
		{"name": "Id", "type": "id", "length": 18, "nillable": false, "createable": false, "updateable": false},
		{"name": "LastName", "label": "Last Name", "type": "string", "length": 80, "nillable": false, "createable": true, "updateable": true},
		{"name": "Status", "type": "picklist", "length": 255, "nillable": false, "createable": true, "updateable": true,
		 "defaultedOnCreate": true, "restrictedPicklist": true,
		 "picklistValues": [{"value": "Open - Not Contacted", "label": "Open - Not Contacted", "active": true, "defaultValue": true},
		                    {"value": "Closed", "label": "Closed", "active": false, "defaultValue": false}]},
		{"name": "OwnerId", "type": "reference", "referenceTo": ["Group", "User"], "relationshipName": "Owner", "createable": true, "defaultedOnCreate": true},
		{"name": "Ext_Id__c", "type": "string", "length": 40, "nillable": true, "createable": true, "updateable": true, "externalId": true, "unique": true, "custom": true}
	],
	"recordTypeInfos": [{"name": "Master", "developerName": "Master", "recordTypeId": "012000000000000AAA", "active": true, "available": true, "defaultRecordTypeMapping": true, "master": true}]
}`

func TestSObjects_DescribeCached(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("GET "+apiPath("sobjects/Lead/describe"), func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 200, leadDescribe)
	})
	d, resp, err := c.SObjects.Describe(t.Context(), "Lead")
	require.NoError(t, err)
	require.NotNil(t, resp)
	require.Equal(t, "00Q", d.KeyPrefix)
	require.Len(t, d.RecordTypeInfos, 1)
	require.True(t, d.RecordTypeInfos[0].Master)

	f, ok := d.Field("lastname")
	require.True(t, ok)
	require.Equal(t, "LastName", f.Name)
	require.Equal(t, 80, f.Length)
	require.True(t, f.RequiredOnCreate())
	status, ok := d.Field("Status")
	require.True(t, ok)
	require.False(t, status.RequiredOnCreate())
	require.True(t, status.RestrictedPicklist)
	require.Equal(t, PicklistValue{Value: "Open - Not Contacted", Label: "Open - Not Contacted", Active: true, DefaultValue: true}, status.PicklistValues[0])
	owner, _ := d.Field("OwnerId")
	require.Equal(t, []string{"Group", "User"}, owner.ReferenceTo)
	ext, _ := d.Field("Ext_Id__c")
	require.True(t, ext.ExternalID)
	require.True(t, ext.Unique)
	_, ok = d.Field("Nope")
	require.False(t, ok)

	again, resp, err := c.SObjects.Describe(t.Context(), "LEAD")
	require.NoError(t, err)
	require.Nil(t, resp, "cached")
	require.Same(t, d, again)
	require.Equal(t, int32(1), calls.Load())

	c.SObjects.ForgetDescribe("lead")
	_, _, err = c.SObjects.Describe(t.Context(), "Lead")
	require.NoError(t, err)
	c.SObjects.ForgetDescribe()
	_, _, err = c.SObjects.Describe(t.Context(), "Lead")
	require.NoError(t, err)
	require.Equal(t, int32(3), calls.Load())
}

func TestSObjects_DescribeErrorNotCached(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	var calls atomic.Int32
	mux.HandleFunc("GET "+apiPath("sobjects/Nope/describe"), func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 404, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
	})
	for range 2 {
		_, _, err := c.SObjects.Describe(t.Context(), "Nope")
		require.ErrorIs(t, err, ErrNotFound)
	}
	require.Equal(t, int32(2), calls.Load())
}

func TestSObjects_GetUpdatedAndDeleted(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	start := time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)
	end := time.Date(2024, 5, 10, 2, 0, 0, 0, time.FixedZone("x", 2*3600))
	mux.HandleFunc("GET "+apiPath("sobjects/Lead/updated/"), func(w http.ResponseWriter, r *http.Request) {
		require.Equal(t, "2024-05-06T00:00:00Z", r.URL.Query().Get("start"))
		require.Equal(t, "2024-05-10T00:00:00Z", r.URL.Query().Get("end"))
		writeJSON(w, 200, `{"ids":["00QA","00QB"],"latestDateCovered":"2024-05-08T21:20:00.000+0000"}`)
	})
	mux.HandleFunc("GET "+apiPath("sobjects/Lead/deleted/"), func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"deletedRecords":[{"id":"00QC","deletedDate":"2024-05-08T21:20:00.000+0000"}],
			"earliestDateAvailable":"2024-04-25T00:00:00.000+0000","latestDateCovered":"2024-05-09T00:00:00.000+0000"}`)
	})
	up, _, err := c.SObjects.GetUpdated(t.Context(), "Lead", start, end)
	require.NoError(t, err)
	require.Equal(t, []string{"00QA", "00QB"}, up.IDs)
	require.Equal(t, time.Date(2024, 5, 8, 21, 20, 0, 0, time.UTC), up.LatestDateCovered)
	del, _, err := c.SObjects.GetDeleted(t.Context(), "Lead", start, end)
	require.NoError(t, err)
	require.Equal(t, []DeletedRecord{{ID: "00QC", DeletedDate: time.Date(2024, 5, 8, 21, 20, 0, 0, time.UTC)}}, del.DeletedRecords)
	require.Equal(t, 25, del.EarliestDateAvailable.Day())
	require.Equal(t, 9, del.LatestDateCovered.Day())
}

func TestLimits_Lenient(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("GET "+apiPath("limits"), func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"DailyApiRequests":{"Max":15000,"Remaining":14998,"Ant Migration Tool":{"Max":0,"Remaining":0}},
			"DataStorageMB":{"Max":5,"Remaining":4},"Odd":"not an object"}`)
	})
	limits, _, err := c.Limits(t.Context())
	require.NoError(t, err)
	require.Equal(t, map[string]Limit{"DailyApiRequests": {15000, 14998}, "DataStorageMB": {5, 4}}, limits)
}
