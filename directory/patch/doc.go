// Package patch is the directory service's PATCH engine: it reads SCIM
// PATCH operations (RFC 7644 §3.5.2) and applies them to a stored resource
// document.
//
// Parse checks decoded operations against the resource type's schemas, with
// the attribute definitions of the github.com/elimity-com/scim schema
// package, into [Operation] values. Apply applies them: it takes a
// resource document (canonical attribute names,
// extension attributes under their schema URN) and returns a new document
// and the membership changes of a group. It is pure: no I/O, no storage
// calls, and neither the document nor the operations are modified.
//
// Beyond the RFC, Apply accepts what real identity providers send: op names
// in any case, path-less values keyed by dotted, URN-qualified and
// value-path attribute names, extension containers, booleans and numbers
// written as strings, the enterprise manager as a plain id string, "" and
// null to clear an attribute, "remove members" with a list of the members to
// remove (Entra ID), and a path-less value that repeats the resource's own id
// (Okta).
//
// Group members are not part of the document: every operation on members
// becomes a [storage.Edit] member change whose cost grows with the number of
// changed members, not with the size of the group. Only a remove whose filter
// is not "value eq" needs the current member list; Apply then reports
// Result.NeedMembers and the caller loads the list and calls Apply again.
//
// Where the RFC leaves room, Apply decides:
//
//   - add and replace of a complex value, including an element selected by
//     a filter, set the sub-attributes given and keep the others
//     (RFC 7644 §3.5.2.3); on a multi-valued attribute without a filter add
//     appends (skipping values already present) and replace replaces the
//     list.
//   - add or replace with a filter that matches nothing adds a new element
//     when the filter is an "and" of "eq" comparisons, holding those values:
//     Entra ID replaces emails[type eq "work"].value on users without a work
//     email. Any other filter is a noTarget error.
//   - a sub-attribute path without a filter on a multi-valued attribute
//     (emails.display) applies to every element.
//   - setting a required attribute to "" or null is invalidValue; removing
//     it is mutability (RFC 7644 §3.5.2.2).
//   - read-only targets are mutability errors; in a path-less value a
//     read-only attribute with an empty value (what Parse leaves of
//     read-only input) is ignored, and so is "schemas" anywhere.
//   - an immutable attribute may be set when absent, never changed.
//   - when an operation sets primary=true on an element, the other elements
//     of that attribute lose primary (RFC 7643 §2.4, RFC 7644 §3.5.2); an
//     operation that sets it on more than one element is invalidValue.
package patch
