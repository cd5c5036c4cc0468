package sfsim

import (
	"fmt"
	"strings"
)

// Error is a Salesforce API error: an HTTP status, an errorCode, a message
// and the fields involved. State-handle methods return it too.
type Error struct {
	Status  int
	Code    string
	Message string
	Fields  []string
}

// Error implements error.
func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (fields: %s)", e.Code, e.Message, strings.Join(e.Fields, ", "))
	}
	return e.Code + ": " + e.Message
}

func apiErr(status int, code, msg string, fields ...string) *Error {
	return &Error{Status: status, Code: code, Message: msg, Fields: fields}
}

func badRequest(code, msg string, fields ...string) *Error { return apiErr(400, code, msg, fields...) }

func notFound() *Error {
	return apiErr(404, "NOT_FOUND", "The requested resource does not exist")
}

// errorBody renders the single-resource error shape: a JSON array.
func errorBody(errs ...*Error) []byte {
	b := []byte{'['}
	for i, e := range errs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"message":`...)
		b = appendString(b, e.Message)
		b = append(b, `,"errorCode":`...)
		b = appendString(b, e.Code)
		if e.Fields != nil {
			b = append(b, `,"fields":`...)
			b = appendStrings(b, e.Fields)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}
