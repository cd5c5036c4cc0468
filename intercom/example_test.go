package intercom_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/tandemhq/tandem/intercom"
	"github.com/tandemhq/tandem/intercom/intercomsim"
)

// A client pointed at the simulator creates a lead, then hits the
// duplicate-user rule and recovers the existing contact's id.
func ExampleNewClient() {
	sim := intercomsim.New(intercomsim.Options{Token: "tok"})
	defer sim.Close()
	srv := httptest.NewServer(sim)
	defer srv.Close()

	ctx := context.Background()
	client := intercom.NewClient("tok", intercom.WithBaseURL(srv.URL), intercom.WithVersion("2.16"))

	lead, _, err := client.Contacts.Create(ctx, &intercom.ContactRequest{
		Role: intercom.Ptr(intercom.RoleLead), Email: intercom.Ptr("ada@example.com"),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(lead.Role, lead.Email)

	user, _, err := client.Contacts.Create(ctx, &intercom.ContactRequest{Email: intercom.Ptr("grace@example.com")})
	if err != nil {
		panic(err)
	}
	_, _, err = client.Contacts.Create(ctx, &intercom.ContactRequest{Email: intercom.Ptr("grace@example.com")})
	var conflict *intercom.ConflictError
	if errors.As(err, &conflict) {
		fmt.Println("exists:", conflict.ExistingID == user.ID)
	}
	// Output:
	// lead ada@example.com
	// exists: true
}

// A webhook handler checks X-Hub-Signature on the raw body before parsing.
func ExampleValidateSignature() {
	body := []byte(`{"type":"notification_event","id":"notif_1","topic":"ping","data":{"item":null}}`)
	header := intercom.SignBody(body, "client-secret")

	if err := intercom.ValidateSignature(body, header, "client-secret"); err != nil {
		panic(err)
	}
	n, err := intercom.ParseNotification(body)
	if err != nil {
		panic(err)
	}
	fmt.Println(n.Topic)

	err = intercom.ValidateSignature(append(body, ' '), header, "client-secret")
	fmt.Println(errors.Is(err, intercom.ErrBadSignature))
	// Output:
	// ping
	// true
}
