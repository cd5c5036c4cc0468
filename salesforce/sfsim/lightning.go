package sfsim

import (
	"html/template"
	"net/http"
	"strings"
	"time"
)

// The Lightning Experience record page a person opens from a link such as
// "Open in Salesforce": /lightning/r/{SObject}/{Id}/view. The simulator
// renders a plain HTML page listing the record's fields; /{Id} redirects
// there as Salesforce's classic short links do. Like a browser session on a
// real org, the pages need no API token.

var recordPage = template.Must(template.New("record").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} | {{.Label}} | Salesforce</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#181818}h1{font-size:1.4rem}
table{border-collapse:collapse}td,th{padding:.3rem .8rem;border-bottom:1px solid #e5e5e5;text-align:left;vertical-align:top}
th{color:#555;font-weight:normal}</style></head>
<body><p>{{.Label}}</p><h1>{{.Title}}</h1>
<table>{{range .Fields}}<tr><th>{{.Label}}</th><td data-field="{{.Name}}">{{if .Link}}<a href="{{.Link}}">{{.Value}}</a>{{else}}{{.Value}}{{end}}</td></tr>{{end}}</table>
</body></html>
`))

type pageField struct {
	Name, Label, Value, Link string
}

// LightningURL returns the path of a record's Lightning page,
// /lightning/r/{SObject}/{Id}/view.
func LightningURL(object, id string) string {
	return "/lightning/r/" + object + "/" + id + "/view"
}

func (s *Server) serveLightning(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/lightning/r/"), "/"), "/")
	if len(parts) != 3 || parts[2] != "view" {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	o := s.object(parts[0])
	var rec *record
	if id, ok := To18(parts[1]); ok && o != nil {
		rec = o.tbl.byID[id]
	}
	if rec == nil || rec.deleted {
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<!doctype html><title>Record not found</title><p>This record doesn't exist or was deleted.</p>\n"))
		return
	}
	data := struct {
		Title, Label string
		Fields       []pageField
	}{Title: s.recordTitle(rec), Label: o.label}
	for _, f := range o.fields {
		pf := pageField{Name: f.name, Label: f.label, Value: displayValue(f, rec.vals[f.idx])}
		if id, ok := rec.vals[f.idx].(string); ok && f.kind == kindID && f.idx != 0 {
			if target := s.lookupID(id); target != nil {
				pf.Value, pf.Link = s.recordTitle(target), LightningURL(target.obj.name, target.id)
			}
		}
		data.Fields = append(data.Fields, pf)
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = recordPage.Execute(w, data)
}

// serveShortLink redirects /{Id} to the record's Lightning page. It reports
// false when the path is not a known record id.
func (s *Server) serveShortLink(w http.ResponseWriter, r *http.Request) bool {
	id, ok := To18(strings.Trim(r.URL.Path, "/"))
	if !ok || r.Method != http.MethodGet {
		return false
	}
	s.mu.Lock()
	rec := s.lookupID(id)
	s.mu.Unlock()
	if rec == nil {
		return false
	}
	http.Redirect(w, r, LightningURL(rec.obj.name, rec.id), http.StatusFound)
	return true
}

// recordTitle is the name a record shows under: Name, CaseNumber, Subject
// or the id.
func (s *Server) recordTitle(r *record) string {
	for _, name := range []string{"Name", "CaseNumber", "Subject", "MasterLabel"} {
		if v := getStr(r.obj, r.vals, name); v != "" {
			return v
		}
	}
	return r.id
}

func displayValue(f *field, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "✓"
		}
		return ""
	case time.Time:
		if f.kind == kindDate {
			return x.Format(dateLayout)
		}
		return FormatDateTime(x)
	}
	return strings.Trim(string(appendValue(nil, f, v)), `"`)
}
