// Package console is tandem's admin console, served under /admin/: server-
// rendered pages (html/template, templates and assets embedded, a little
// vanilla JavaScript for live progress) over the same use cases as the JSON
// API and the command line.
//
// Every page and action needs a session, made by signing in with the admin
// token. The session id lives in an HttpOnly, SameSite=Lax cookie (Secure
// when the request came over TLS) and is stored hashed in the database, so
// any replica recognises it and signing out ends it everywhere. Every POST
// carries the session's CSRF token. Failed sign-ins are throttled per
// remote address. No secret is ever rendered.
//
// routes.go lists every route; each handler lives in its own file.
package console
