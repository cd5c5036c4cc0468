package sfsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

func benchServer(b *testing.B, contacts int) *Server {
	b.Helper()
	start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	s := New(Options{Now: func() time.Time { return start.Add(20 * 24 * time.Hour) }, DailyAPILimit: 1 << 30})
	for i := range contacts {
		t := start.Add(time.Duration(i) * time.Second)
		if _, err := s.Insert("Contact", map[string]any{"FirstName": "First", "LastName": fmt.Sprintf("Last%06d", i),
			"Email": fmt.Sprintf("person%06d@example.com", i), "Title": "Engineer",
			"CreatedDate": t, "LastModifiedDate": t, "SystemModstamp": t}); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

func serve(b *testing.B, s *Server, method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer test-token")
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body.String())
	}
	return w
}

// BenchmarkQueryScan100k runs SOQL over 100,000 Contacts through the HTTP
// handler; ns/record is per scanned row.
func BenchmarkQueryScan100k(b *testing.B) {
	const rows = 100_000
	s := benchServer(b, rows)
	for _, bc := range []struct{ name, q string }{
		{"filter", "SELECT Id, Email, LastName FROM Contact WHERE LastName LIKE 'Last0999%' AND Title = 'Engineer'"},
		{"watermark-sort-page", "SELECT Id, Email, SystemModstamp FROM Contact WHERE SystemModstamp >= 2024-05-01T00:00:00Z ORDER BY SystemModstamp, Id"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			path := testBase + "/query?q=" + url.QueryEscape(bc.q)
			b.ReportAllocs()
			for b.Loop() {
				serve(b, s, "GET", path, nil)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/record")
		})
	}
}

// BenchmarkCollections10k writes 10,000 Contacts through sObject
// Collections create calls of 200 records each.
func BenchmarkCollections10k(b *testing.B) {
	const total, batch = 10_000, 200
	s := benchServer(b, 0)
	bodies := make([][]byte, 0, total/batch)
	for i := 0; i < total; i += batch {
		recs := make([]map[string]any, batch)
		for j := range recs {
			recs[j] = map[string]any{"attributes": map[string]any{"type": "Contact"}, "LastName": fmt.Sprint("L", i+j),
				"Email": fmt.Sprintf("p%d@example.com", i+j), "Title": "Engineer"}
		}
		body, err := json.Marshal(map[string]any{"allOrNone": false, "records": recs})
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, body)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, body := range bodies {
			serve(b, s, "POST", testBase+"/composite/sobjects", body)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*total), "ns/record")
}
