// Package scimtest is the black-box HTTP suite of scimd's SCIM API.
// RunHTTPTests replays what Microsoft Entra ID and Okta send, plus the
// RFC 7643/7644/9865 edge cases they depend on, against a live server;
// RunHTTPConcurrencyTests runs its races alone (against two processes
// through a RoundRobin transport, for instance); RunHTTPIsolationTests tries
// every route with another tenant's token and ids. The package speaks HTTP
// only and imports no storage backend, so the in-process server (scim's
// tests) and the built binary (cmd/scimd's tests) are held to exactly the
// same expectations.
package scimtest
