package sfsim_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/tandemhq/tandem/salesforce/sfsim"
)

// Example seeds a record through the state handle and reads it back over
// the REST API, as any Salesforce client would.
func Example() {
	sim := sfsim.New(sfsim.Options{Token: "t"})
	srv := httptest.NewServer(sim)
	defer srv.Close()

	if _, err := sim.Insert("Lead", map[string]any{"LastName": "Lovelace", "Company": "Analytical Engines", "Email": "ada@example.com"}); err != nil {
		panic(err)
	}
	q := url.QueryEscape("SELECT Company FROM Lead WHERE Email = 'ada@example.com'")
	req, _ := http.NewRequest("GET", srv.URL+"/services/data/v62.0/query?q="+q, nil)
	req.Header.Set("Authorization", "Bearer t")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Println(res.Header.Get("Sforce-Limit-Info"))
	fmt.Println(strings.Contains(string(body), `"Company":"Analytical Engines"`), sim.Calls()["GET query"])
	// Output:
	// api-usage=1/100000
	// true 1
}
