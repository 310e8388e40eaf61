package patch

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	scimerrors "github.com/elimity-com/scim/errors"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// A patchCase is one PATCH request against one stored document.
type patchCase struct {
	name string
	// rt is "user" (default), "group" or "custom".
	rt string
	// doc is the stored document; empty means userDoc, groupDoc or
	// customDoc for the resource type.
	doc string
	// ops is the request's Operations list, as JSON.
	ops  string
	opts Options

	// want maps "/"-separated key paths of the new document to their
	// expected JSON value, or to "-" for absent.
	want map[string]string
	// same says the document must not change (Edit.Attributes nil).
	same bool

	// Expected member changes of groups.
	add, remove []string
	replace     []string // nil: no ReplaceMembers; use []string{} for "none"
	needMembers bool

	// err is the expected scimType; detail, if set, must occur in the
	// error detail.
	err    scimerrors.ScimType
	detail string
}

const absent = "-"

var patchCases = []patchCase{
	// Microsoft Entra ID (scim/scimtest/testdata/idp-requests.md, E9–E18).
	{
		name: "E9 replace work email value and family name",
		ops: `[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"barbara@example.com"},
			{"op":"Replace","path":"name.familyName","value":"Jensen-Smith"}]`,
		want: map[string]string{
			"emails/0":        `{"value":"barbara@example.com","type":"work","primary":true}`,
			"emails/1/value":  `"babs@jensen.org"`,
			"name/familyName": `"Jensen-Smith"`,
			"name/givenName":  `"Barbara"`,
		},
	},
	{
		name: "E9 replace work email of a user without one creates it",
		doc:  `{"userName":"u","emails":[{"value":"h@x.org","type":"home"}]}`,
		ops:  `[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"w@x.org"}]`,
		want: map[string]string{"emails": `[{"value":"h@x.org","type":"home"},{"type":"work","value":"w@x.org"}]`},
	},
	{
		name: "E9 replace work email of a user without emails creates the list",
		doc:  `{"userName":"u"}`,
		ops:  `[{"op":"replace","path":"emails[type eq \"work\"].value","value":"w@x.org"}]`,
		want: map[string]string{"emails": `[{"type":"work","value":"w@x.org"}]`},
	},
	{
		name: "E9 filter values compare case-insensitively for caseExact=false",
		ops:  `[{"op":"Replace","path":"emails[type eq \"WORK\"].value","value":"n@example.com"}]`,
		want: map[string]string{"emails/0/value": `"n@example.com"`, "emails/1/value": `"babs@jensen.org"`},
	},
	{
		name: "E10 replace userName",
		ops:  `[{"op":"Replace","path":"userName","value":"barbara.jensen"}]`,
		want: map[string]string{"userName": `"barbara.jensen"`},
	},
	{
		name: "E11 string False disables",
		ops:  `[{"op":"Replace","path":"active","value":"False"}]`,
		want: map[string]string{"active": `false`},
	},
	{
		name: "E12 boolean false disables",
		ops:  `[{"op":"replace","path":"active","value":false}]`,
		want: map[string]string{"active": `false`},
	},
	{
		name: "E18 string True on an active user changes nothing",
		ops:  `[{"op":"Replace","path":"active","value":"True"}]`,
		same: true,
	},
	{
		name: "E18 string tRUE restores",
		doc:  `{"userName":"u","active":false}`,
		ops:  `[{"op":"Replace","path":"active","value":"tRUE"}]`,
		want: map[string]string{"active": `true`},
	},
	{
		name: "E13 add nickName",
		ops:  `[{"op":"Add","path":"nickName","value":"Babs"}]`,
		want: map[string]string{"nickName": `"Babs"`},
	},
	{
		name: "E13 add on a set single-valued attribute replaces it",
		ops:  `[{"op":"add","path":"displayName","value":"Barbara"}]`,
		want: map[string]string{"displayName": `"Barbara"`},
	},
	{
		name: "E14 path-less replace with dotted and URN-qualified keys",
		ops: `[{"op":"replace","value":{"displayName":"B J","name.givenName":"Barb","name.familyName":"J",
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"42"}}]`,
		want: map[string]string{
			"displayName":             `"B J"`,
			"name":                    `{"givenName":"Barb","familyName":"J"}`,
			ent + "/employeeNumber":   `"42"`,
			ent + "/department":       `"Tour Operations"`,
			"emails/0/value":          `"bjensen@example.com"`,
			"urn:example:none/absent": absent,
		},
	},
	{
		name: "E14 path-less add (pond/scimitar #123)",
		ops:  `[{"op":"add","value":{"name.middleName":"Jane","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:division":"West"}}]`,
		want: map[string]string{"name/middleName": `"Jane"`, "name/givenName": `"Barbara"`, ent + "/division": `"West"`},
	},
	{
		name: "E14 path-less keys are case-insensitive and written canonically",
		ops:  `[{"op":"replace","value":{"DISPLAYNAME":"x","Name.GivenName":"y","URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:DEPARTMENT":"z"}}]`,
		want: map[string]string{"displayName": `"x"`, "name/givenName": `"y"`, ent + "/department": `"z"`},
	},
	{
		name: "E14 path-less value-path key",
		ops:  `[{"op":"replace","value":{"emails[type eq \"work\"].value":"w@example.com"}}]`,
		want: map[string]string{"emails/0/value": `"w@example.com"`, "emails/0/primary": `true`},
	},
	{
		name: "E15 replace URN-qualified extension attribute",
		ops:  `[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"99"}]`,
		want: map[string]string{ent + "/employeeNumber": `"99"`},
	},
	{
		name: "E15 legacy dot separator after the URN",
		ops:  `[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.employeeNumber","value":"98"}]`,
		want: map[string]string{ent + "/employeeNumber": `"98"`},
	},
	{
		name: "E15 legacy dot separator in a path-less key",
		ops:  `[{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User.costCenter":"4130"}}]`,
		want: map[string]string{ent + "/costCenter": `"4130"`},
	},
	{
		name: "E15 extension attribute on a user without the extension",
		doc:  `{"userName":"u"}`,
		ops:  `[{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"Sales"}]`,
		want: map[string]string{ent: `{"department":"Sales"}`},
	},
	{
		name: "E16 manager as a plain string",
		ops:  `[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"mgr-2"}]`,
		want: map[string]string{ent + "/manager": `{"value":"mgr-2"}`},
	},
	{
		name: "E16 manager as {value}",
		ops:  `[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"mgr-3"}}]`,
		want: map[string]string{ent + "/manager": `{"value":"mgr-3"}`},
	},
	{
		name: "E16 manager.value path",
		ops:  `[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value","value":"mgr-4"}]`,
		want: map[string]string{ent + "/manager": `{"value":"mgr-4"}`},
	},
	{
		name: "E16 replace manager with empty string removes it",
		ops:  `[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":""}]`,
		want: map[string]string{ent + "/manager": absent, ent + "/department": `"Tour Operations"`},
	},
	{
		name: "E16 replace manager with null removes it",
		ops:  `[{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":null}]`,
		want: map[string]string{ent + "/manager": absent},
	},
	{
		name: "E16 remove manager",
		ops:  `[{"op":"Remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}]`,
		want: map[string]string{ent + "/manager": absent},
	},
	{
		name: "E16 remove manager with a value (Logic App test)",
		ops:  `[{"op":"Remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}}]`,
		want: map[string]string{ent + "/manager": absent},
	},
	{
		name: "E16 manager readOnly displayName in a value is dropped",
		ops:  `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"m9","displayName":"Boss"}}]`,
		want: map[string]string{ent + "/manager": `{"value":"m9"}`},
	},
	{
		name: "E17 empty string clears optional attributes",
		ops: `[{"op":"Replace","path":"displayName","value":""},{"op":"Replace","path":"name.givenName","value":""},
			{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":""}]`,
		want: map[string]string{"displayName": absent, "name": `{"familyName":"Jensen"}`, ent + "/department": absent},
	},
	{
		name: "E17 null clears optional attributes",
		ops:  `[{"op":"Replace","path":"displayName","value":null},{"op":"replace","path":"emails","value":null},{"op":"replace","path":"name","value":null}]`,
		want: map[string]string{"displayName": absent, "emails": absent, "name": absent},
	},
	{
		name: "E17 path-less empty values clear",
		ops:  `[{"op":"replace","value":{"title":"","displayName":null,"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":""}}]`,
		want: map[string]string{"displayName": absent, "title": absent, ent + "/employeeNumber": absent},
	},
	{
		name: "E17 clearing the last extension attribute drops the extension",
		doc:  `{"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"d"}}`,
		ops:  `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":""}]`,
		want: map[string]string{ent: absent},
	},
	{
		name: "E17 clearing an absent attribute changes nothing",
		ops:  `[{"op":"Replace","path":"title","value":""},{"op":"Replace","path":"title","value":null}]`,
		same: true,
	},

	// Okta (O7, O8, O14).
	{
		name: "O7 path-less deactivate",
		ops:  `[{"op":"replace","value":{"active":false}}]`,
		want: map[string]string{"active": `false`, "userName": `"bjensen"`},
	},
	{
		name: "O8 path-less reactivate",
		doc:  `{"userName":"u","active":false}`,
		ops:  `[{"op":"replace","value":{"active":true}}]`,
		want: map[string]string{"active": `true`},
	},
	{
		name: "O8 path-less reactivate of an active user changes nothing",
		ops:  `[{"op":"replace","value":{"active":true}}]`,
		same: true,
	},

	// RFC 7644 §3.5.2 examples.
	{
		name: "RFC 3.5.2.1 path-less add: duplicate email skipped, nickname canonical",
		ops:  `[{"op":"add","value":{"emails":[{"value":"babs@jensen.org","type":"home"}],"nickname":"Babs"}}]`,
		want: map[string]string{"nickName": `"Babs"`, "emails/2": absent},
	},
	{
		name: "RFC 3.5.2.1 add an email",
		ops:  `[{"op":"add","path":"emails","value":[{"value":"b@other.org","type":"other"}]}]`,
		want: map[string]string{"emails/2": `{"value":"b@other.org","type":"other"}`, "emails/0/primary": `true`},
	},
	{
		name: "RFC 3.5.2.1 add an email given as one object",
		ops:  `[{"op":"add","path":"emails","value":{"value":"b@other.org","type":"other"}}]`,
		want: map[string]string{"emails/2": `{"value":"b@other.org","type":"other"}`},
	},
	{
		name: "RFC 3.5.2.1 adding a present email changes nothing",
		ops:  `[{"op":"add","path":"emails","value":[{"value":"babs@jensen.org","type":"home"}]}]`,
		same: true,
	},
	{
		name: "RFC 3.5.2.1 add to a complex attribute merges",
		ops:  `[{"op":"add","path":"name","value":{"middleName":"Jane"}}]`,
		want: map[string]string{"name": `{"givenName":"Barbara","familyName":"Jensen","middleName":"Jane"}`},
	},
	{
		name: "RFC 3.5.2.3 path-less replace of emails replaces the list",
		ops: `[{"op":"replace","value":{"emails":[{"value":"bjensen@example.com","type":"work","primary":true},
			{"value":"babs@jensen.org","type":"home"}],"nickname":"Babs"}}]`,
		want: map[string]string{"nickName": `"Babs"`, "emails/0/primary": `true`, "emails/2": absent},
	},
	{
		name: "RFC 3.5.2.3 replace a multi-valued attribute without filter",
		ops:  `[{"op":"replace","path":"emails","value":[{"value":"only@example.com","type":"work"}]}]`,
		want: map[string]string{"emails": `[{"value":"only@example.com","type":"work"}]`},
	},
	{
		name: "RFC 3.5.2.3 replace a complex attribute keeps unnamed sub-attributes",
		ops:  `[{"op":"replace","path":"name","value":{"givenName":"Babs"}}]`,
		want: map[string]string{"name": `{"givenName":"Babs","familyName":"Jensen"}`},
	},
	{
		name: "RFC 3.5.2.3 replace selected address",
		ops: `[{"op":"replace","path":"addresses[type eq \"work\"]","value":{"type":"work",
			"streetAddress":"911 Universal City Plaza","locality":"Hollywood","region":"CA","postalCode":"91608","country":"US",
			"formatted":"911 Universal City Plaza\nHollywood, CA 91608 US","primary":true}}]`,
		want: map[string]string{
			"addresses/0/streetAddress": `"911 Universal City Plaza"`,
			"addresses/0/postalCode":    `"91608"`,
			"addresses/0/primary":       `true`,
			"addresses/1":               absent,
		},
	},
	{
		name: "RFC 3.5.2.3 replace sub-attribute of selected address",
		ops:  `[{"op":"replace","path":"addresses[type eq \"work\"].streetAddress","value":"1010 Broadway Ave"}]`,
		want: map[string]string{"addresses": `[{"type":"work","streetAddress":"1010 Broadway Ave","locality":"Hollywood"}]`},
	},
	{
		name: "RFC 3.5.2.3 replace with a filter that cannot create an element",
		ops:  `[{"op":"replace","path":"addresses[locality co \"Holly\" and type eq \"home\"].region","value":"CA"}]`,
		err:  scimerrors.ScimTypeNoTarget, detail: `addresses[locality co "Holly" and type eq "home"].region`,
	},
	{
		name: "RFC 3.5.2.3 replace with an or filter that matches nothing",
		ops:  `[{"op":"replace","path":"emails[type eq \"a\" or type eq \"b\"].value","value":"x@y"}]`,
		err:  scimerrors.ScimTypeNoTarget,
	},
	{
		name: "RFC 3.5.2.2 remove emails by complex filter",
		ops:  `[{"op":"remove","path":"emails[type eq \"work\" and value ew \"example.com\"]"}]`,
		want: map[string]string{"emails": `[{"value":"babs@jensen.org","type":"home"}]`},
	},
	{
		name: "RFC 3.5.2.2 remove a certificate by binary value",
		ops:  `[{"op":"remove","path":"x509Certificates[value eq \"TUlJREN6Q0NBcXlnQXdJQkFnSUNFQUF3RFFZSktvWklodmNOQVFFRkJRQXdUakVMTUFrR0ExVUVCaE1DVlZNeA==\"]"}]`,
		want: map[string]string{"x509Certificates": absent},
	},
	{
		name: "RFC 3.5.2.2 binary values compare case-sensitively",
		ops:  `[{"op":"remove","path":"x509Certificates[value eq \"tUlJREN6Q0NBcXlnQXdJQkFnSUNFQUF3RFFZSktvWklodmNOQVFFRkJRQXdUakVMTUFrR0ExVUVCaE1DVlZNeA==\"]"}]`,
		same: true,
	},
	{
		name: "RFC 3.5.2.2 remove a multi-valued attribute",
		ops:  `[{"op":"remove","path":"emails"}]`,
		want: map[string]string{"emails": absent},
	},
	{
		name: "RFC 3.5.2.2 remove a sub-attribute",
		ops:  `[{"op":"remove","path":"name.givenName"}]`,
		want: map[string]string{"name": `{"familyName":"Jensen"}`},
	},
	{
		name: "RFC 3.5.2.2 remove a sub-attribute of selected elements",
		ops:  `[{"op":"remove","path":"emails[type eq \"work\"].primary"}]`,
		want: map[string]string{"emails/0": `{"value":"bjensen@example.com","type":"work"}`},
	},
	{
		name: "RFC 3.5.2.2 remove a sub-attribute of every element",
		ops:  `[{"op":"remove","path":"emails.type"}]`,
		want: map[string]string{"emails": `[{"value":"bjensen@example.com","primary":true},{"value":"babs@jensen.org"}]`},
	},
	{
		name: "RFC 3.5.2.2 remove with a filter that matches nothing changes nothing",
		ops:  `[{"op":"remove","path":"emails[type eq \"other\"]"},{"op":"remove","path":"nickName"},{"op":"remove","path":"phoneNumbers[value pr]"}]`,
		same: true,
	},
	{
		name: "remove listed values of a multi-valued attribute",
		ops:  `[{"op":"remove","path":"emails","value":[{"value":"BABS@jensen.org"}]}]`,
		want: map[string]string{"emails": `[{"value":"bjensen@example.com","type":"work","primary":true}]`},
	},
	{
		name: "sub-attribute path without filter sets every element",
		ops:  `[{"op":"replace","path":"addresses.country","value":"US"}]`,
		want: map[string]string{"addresses/0/country": `"US"`, "addresses/0/locality": `"Hollywood"`},
	},
	{
		name: "extension container in a path-less value",
		ops: `[{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":
			{"Department":"Sales","manager":"m5","unknownThing":1}}}]`,
		want: map[string]string{ent: `{"employeeNumber":"701984","department":"Sales","manager":{"value":"m5"}}`},
	},
	{
		name: "extension container with a lower-case URN",
		ops:  `[{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user":{"division":"D"}}}]`,
		want: map[string]string{ent + "/division": `"D"`},
	},
	{
		name: "extension container as the path",
		ops:  `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":{"department":"Y"}}]`,
		want: map[string]string{ent + "/department": `"Y"`, ent + "/employeeNumber": `"701984"`},
	},
	{
		name: "replace the extension container with null clears it",
		ops:  `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":null}]`,
		want: map[string]string{ent: absent},
	},
	{
		name: "an empty extension container changes nothing",
		ops:  `[{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{}}}]`,
		same: true,
	},
	{
		name: "remove the extension container",
		ops:  `[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}]`,
		want: map[string]string{ent: absent},
	},
	{
		name: "core schema container in a path-less value",
		ops:  `[{"op":"replace","value":{"urn:ietf:params:scim:schemas:core:2.0:User":{"nickName":"N","externalId":"e2"}}}]`,
		want: map[string]string{"nickName": `"N"`, "externalId": `"e2"`},
	},
	{
		name: "core-URN-qualified path",
		ops:  `[{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:name.givenName","value":"Q"}]`,
		want: map[string]string{"name/givenName": `"Q"`},
	},
	{
		name: "externalId is a top-level common attribute",
		ops:  `[{"op":"replace","path":"externalId","value":"new-ext"}]`,
		want: map[string]string{"externalId": `"new-ext"`},
	},
	{
		name: "unknown keys of a path-less value are ignored",
		ops:  `[{"op":"replace","value":{"foo":"bar","name.nope":"x","urn:ietf:params:scim:schemas:extension:enterprise:2.0User:x":"typo"}}]`,
		same: true,
	},
	{
		name: "password is kept as given for the caller to hash",
		ops:  `[{"op":"replace","path":"password","value":"t1meMa$heen"}]`,
		want: map[string]string{"password": `"t1meMa$heen"`},
	},
	{
		name: "operations apply in order",
		ops:  `[{"op":"remove","path":"nickName"},{"op":"add","path":"nickName","value":"A"},{"op":"replace","path":"nickName","value":"B"}]`,
		want: map[string]string{"nickName": `"B"`},
	},
	{
		name: "a stored key in another case is written back canonically",
		doc:  `{"userName":"u","NickName":"old"}`,
		ops:  `[{"op":"replace","path":"nickName","value":"new"}]`,
		want: map[string]string{"nickName": `"new"`, "NickName": absent},
	},
	{
		name: "schemas is derived and PATCH leaves it alone",
		ops:  `[{"op":"add","path":"schemas","value":["urn:x"]},{"op":"replace","value":{"schemas":["urn:y"]}}]`,
		same: true,
	},
	{
		name: "filter with escaped quote",
		doc:  `{"userName":"u","emails":[{"value":"a\"b@x","type":"work"}]}`,
		ops:  `[{"op":"remove","path":"emails[value eq \"a\\\"b@x\"]"}]`,
		want: map[string]string{"emails": absent},
	},
	{
		name: "not filter",
		ops:  `[{"op":"remove","path":"emails[not(type eq \"work\")]"}]`,
		want: map[string]string{"emails": `[{"value":"bjensen@example.com","type":"work","primary":true}]`},
	},
	{
		name: "boolean filter value as string",
		ops:  `[{"op":"replace","path":"emails[primary eq \"True\"].display","value":"Work"}]`,
		want: map[string]string{"emails/0/display": `"Work"`},
	},

	// primary (RFC 7643 §2.4).
	{
		name: "primary: adding a primary email clears the old one",
		ops:  `[{"op":"add","path":"emails","value":[{"value":"new@x.org","type":"other","primary":true}]}]`,
		want: map[string]string{"emails/0": `{"value":"bjensen@example.com","type":"work"}`, "emails/2/primary": `true`},
	},
	{
		name: "primary: setting primary on a selected element",
		ops:  `[{"op":"replace","path":"emails[type eq \"home\"].primary","value":true}]`,
		want: map[string]string{"emails/0/primary": absent, "emails/1/primary": `true`},
	},
	{
		name: "primary: two new primaries in one operation are refused",
		ops:  `[{"op":"replace","path":"emails","value":[{"value":"a@x","primary":true},{"value":"b@x","primary":"true"}]}]`,
		err:  scimerrors.ScimTypeInvalidValue, detail: "emails: at most one value of emails may be primary, got 2",
	},
	{
		name: "primary: path-less, two new primaries are refused",
		ops:  `[{"op":"add","value":{"emails":[{"value":"a@x","primary":true},{"value":"b@x","primary":true}]}}]`,
		err:  scimerrors.ScimTypeInvalidValue, detail: "may be primary, got 2",
	},
	{
		name: "primary: a path that makes several elements primary is refused",
		ops:  `[{"op":"replace","path":"emails[value pr].primary","value":true}]`,
		err:  scimerrors.ScimTypeInvalidValue, detail: "may be primary, got 2",
	},
	{
		name: "primary: a filter that makes one element primary clears the others",
		ops:  `[{"op":"replace","path":"emails[value eq \"babs@jensen.org\"]","value":{"primary":true}}]`,
		want: map[string]string{"emails/0/primary": absent, "emails/1/primary": `true`},
	},
	{
		name: "primary: setting primary false leaves others alone",
		ops:  `[{"op":"replace","path":"emails[type eq \"home\"].primary","value":false}]`,
		want: map[string]string{"emails/0/primary": `true`, "emails/1/primary": `false`},
	},

	// Errors.
	{
		name: "remove without path",
		ops:  `[{"op":"remove"}]`,
		err:  scimerrors.ScimTypeNoTarget,
	},
	{
		name: "remove required userName",
		ops:  `[{"op":"remove","path":"userName"}]`,
		err:  scimerrors.ScimTypeMutability, detail: "userName is required",
	},
	{
		name: "replace userName with empty string",
		ops:  `[{"op":"replace","path":"userName","value":""}]`,
		err:  scimerrors.ScimTypeInvalidValue, detail: "userName is required",
	},
	{
		name: "path-less userName null",
		ops:  `[{"op":"replace","value":{"userName":null}}]`,
		err:  scimerrors.ScimTypeInvalidValue,
	},
	{
		name: "replace id",
		ops:  `[{"op":"replace","path":"id","value":"other"}]`,
		opts: Options{ID: "u-1"},
		err:  scimerrors.ScimTypeMutability, detail: "id",
	},
	{
		name: "replace id with the resource's own id",
		ops:  `[{"op":"replace","path":"id","value":"u-1"}]`,
		opts: Options{ID: "u-1"},
		same: true,
	},
	{
		name: "remove id",
		ops:  `[{"op":"remove","path":"id"}]`,
		opts: Options{ID: "u-1"},
		err:  scimerrors.ScimTypeMutability,
	},
	{
		name: "replace meta.version",
		ops:  `[{"op":"replace","path":"meta.version","value":"W/\"9\""}]`,
		err:  scimerrors.ScimTypeMutability, detail: "meta.version: version is read-only",
	},
	{
		name: "replace groups of a user",
		ops:  `[{"op":"add","path":"groups","value":[{"value":"g1"}]}]`,
		err:  scimerrors.ScimTypeMutability, detail: "groups is read-only",
	},
	{
		name: "path-less groups with content",
		ops:  `[{"op":"replace","value":{"groups":[{"value":"g1"}]}}]`,
		err:  scimerrors.ScimTypeMutability,
	},
	{
		name: "path-less empty read-only values are ignored",
		ops:  `[{"op":"replace","value":{"groups":[{}],"meta":{}}}]`,
		same: true,
	},
	{
		name: "replace manager.displayName",
		ops:  `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.displayName","value":"Boss"}]`,
		err:  scimerrors.ScimTypeMutability, detail: "displayName is read-only",
	},
	{
		name: "unknown attribute",
		ops:  `[{"op":"replace","path":"favoriteColor","value":"blue"}]`,
		err:  scimerrors.ScimTypeInvalidPath, detail: "favoriteColor",
	},
	{
		name: "unknown sub-attribute",
		ops:  `[{"op":"replace","path":"name.nickName","value":"x"}]`,
		err:  scimerrors.ScimTypeInvalidPath, detail: "name.nickName",
	},
	{
		name: "unknown sub-attribute in a filter",
		ops:  `[{"op":"remove","path":"emails[kind eq \"work\"]"}]`,
		err:  scimerrors.ScimTypeInvalidPath, detail: `no sub-attribute "kind"`,
	},
	{
		name: "filter on a single-valued attribute",
		ops:  `[{"op":"replace","path":"name[givenName eq \"x\"].familyName","value":"y"}]`,
		err:  scimerrors.ScimTypeInvalidPath, detail: "single-valued",
	},
	{
		name: "ordering a boolean",
		ops:  `[{"op":"remove","path":"emails[primary gt true]"}]`,
		err:  scimerrors.ScimTypeInvalidFilter,
	},
	{
		name: "filter value of the wrong type",
		ops:  `[{"op":"remove","path":"emails[primary eq \"maybe\"]"}]`,
		err:  scimerrors.ScimTypeInvalidFilter,
	},
	{
		name: "boolean that is not one",
		ops:  `[{"op":"replace","path":"active","value":"maybe"}]`,
		err:  scimerrors.ScimTypeInvalidValue, detail: "active: expected a boolean",
	},
	{
		name: "string attribute given a number",
		ops:  `[{"op":"replace","path":"nickName","value":5}]`,
		err:  scimerrors.ScimTypeInvalidValue, detail: "nickName: expected a string, got the number 5",
	},
	{
		name: "complex attribute given a list",
		ops:  `[{"op":"replace","path":"name","value":["x"]}]`,
		err:  scimerrors.ScimTypeInvalidValue,
	},
	{
		name: "sub-attribute named twice in different case",
		ops:  `[{"op":"replace","path":"name","value":{"givenName":"a","GIVENNAME":"b"}}]`,
		err:  scimerrors.ScimTypeInvalidValue, detail: "twice",
	},
	{
		name: "unknown op",
		ops:  `[{"op":"copy","path":"nickName","value":"x"}]`,
		err:  scimerrors.ScimTypeInvalidSyntax, detail: "copy",
	},
	{
		name: "path-less value that is not an object",
		ops:  `[{"op":"add","value":"x"}]`,
		err:  scimerrors.ScimTypeInvalidValue,
	},
	{
		name: "path-less key that is not a path",
		ops:  `[{"op":"add","value":{"emails[type eq":"x"}}]`,
		err:  scimerrors.ScimTypeInvalidPath,
	},
	{
		name: "error names the failing operation",
		ops:  `[{"op":"replace","path":"nickName","value":"ok"},{"op":"replace","path":"active","value":3}]`,
		err:  scimerrors.ScimTypeInvalidValue, detail: "operation 2 (replace): active",
	},
	{
		name: "remove the core schema",
		ops:  `[{"op":"remove","path":"urn:ietf:params:scim:schemas:core:2.0:User"}]`,
		err:  scimerrors.ScimTypeMutability,
	},

	// Custom schema: every type, immutability, required extension attribute.
	{
		name: "custom: numbers and dates from strings and numbers",
		rt:   "custom",
		ops: `[{"op":"replace","value":{"urn:example:scimd:test:2.0:Custom:badge":"12","urn:example:scimd:test:2.0:Custom:score":"2.5"}},
			{"op":"add","path":"urn:example:scimd:test:2.0:Custom:hired","value":"2026-01-31T12:00:00Z"},
			{"op":"add","path":"urn:example:scimd:test:2.0:Custom:photo","value":"aGVsbG8="}]`,
		want: map[string]string{custom + "/badge": `12`, custom + "/score": `2.5`, custom + "/hired": `"2026-01-31T12:00:00Z"`, custom + "/photo": `"aGVsbG8="`},
	},
	{
		name: "custom: integer given as an integral decimal",
		rt:   "custom",
		ops:  `[{"op":"replace","path":"urn:example:scimd:test:2.0:Custom:badge","value":7.0}]`,
		same: true,
	},
	{
		name: "custom: integer given a fraction",
		rt:   "custom",
		ops:  `[{"op":"replace","path":"urn:example:scimd:test:2.0:Custom:badge","value":"1.5"}]`,
		err:  scimerrors.ScimTypeInvalidValue, detail: "expected an integer",
	},
	{
		name: "custom: decimal NaN",
		rt:   "custom",
		ops:  `[{"op":"replace","path":"urn:example:scimd:test:2.0:Custom:score","value":"NaN"}]`,
		err:  scimerrors.ScimTypeInvalidValue,
	},
	{
		name: "custom: bad dateTime",
		rt:   "custom",
		ops:  `[{"op":"replace","path":"urn:example:scimd:test:2.0:Custom:hired","value":"yesterday"}]`,
		err:  scimerrors.ScimTypeInvalidValue, detail: "dateTime",
	},
	{
		name: "custom: bad binary",
		rt:   "custom",
		ops:  `[{"op":"replace","path":"urn:example:scimd:test:2.0:Custom:photo","value":"not base64!"}]`,
		err:  scimerrors.ScimTypeInvalidValue, detail: "base64",
	},
	{
		name: "custom: multi-valued strings add, dedupe and filter",
		rt:   "custom",
		ops: `[{"op":"add","path":"urn:example:scimd:test:2.0:Custom:tags","value":["a","b","a"]},
			{"op":"add","path":"urn:example:scimd:test:2.0:Custom:tags","value":"c"},
			{"op":"remove","path":"urn:example:scimd:test:2.0:Custom:tags[value eq \"b\"]"},
			{"op":"replace","path":"urn:example:scimd:test:2.0:Custom:tags[value eq \"c\"]","value":"C"},
			{"op":"replace","path":"urn:example:scimd:test:2.0:Custom:tags[value eq \"d\"]","value":"d"}]`,
		want: map[string]string{custom + "/tags": `["a","C","d"]`},
	},
	{
		name: "custom: changing an immutable attribute",
		rt:   "custom",
		ops:  `[{"op":"replace","path":"urn:example:scimd:test:2.0:Custom:costCode","value":"CC-2"}]`,
		err:  scimerrors.ScimTypeMutability, detail: "costCode is immutable",
	},
	{
		name: "custom: removing an immutable attribute",
		rt:   "custom",
		ops:  `[{"op":"remove","path":"urn:example:scimd:test:2.0:Custom:costCode"}]`,
		err:  scimerrors.ScimTypeMutability,
	},
	{
		name: "custom: re-setting an immutable attribute to its value",
		rt:   "custom",
		ops:  `[{"op":"replace","path":"urn:example:scimd:test:2.0:Custom:costCode","value":"CC-1"}]`,
		same: true,
	},
	{
		name: "custom: setting an absent immutable attribute",
		rt:   "custom",
		doc:  `{"userName":"c","urn:example:scimd:test:2.0:Custom":{"level":"L1"}}`,
		ops:  `[{"op":"add","path":"urn:example:scimd:test:2.0:Custom:costCode","value":"CC-9"}]`,
		want: map[string]string{custom + "/costCode": `"CC-9"`},
	},
	{
		name: "custom: changing an immutable sub-attribute",
		rt:   "custom",
		ops:  `[{"op":"replace","path":"urn:example:scimd:test:2.0:Custom:devices[value eq \"d1\"].serial","value":"S2"}]`,
		err:  scimerrors.ScimTypeMutability, detail: "serial is immutable",
	},
	{
		name: "custom: new element with an immutable sub-attribute",
		rt:   "custom",
		ops:  `[{"op":"replace","path":"urn:example:scimd:test:2.0:Custom:devices[value eq \"d2\"].serial","value":"S2"}]`,
		want: map[string]string{custom + "/devices": `[{"value":"d1","serial":"S1","primary":true},{"value":"d2","serial":"S2"}]`},
	},
	{
		name: "custom: removing a required extension attribute",
		rt:   "custom",
		ops:  `[{"op":"remove","path":"urn:example:scimd:test:2.0:Custom:level"}]`,
		err:  scimerrors.ScimTypeMutability, detail: "level is required",
	},
	{
		name: "custom: removing an extension with a required attribute",
		rt:   "custom",
		ops:  `[{"op":"remove","path":"urn:example:scimd:test:2.0:Custom"}]`,
		err:  scimerrors.ScimTypeMutability,
	},
	{
		name: "custom: integer filter",
		rt:   "custom",
		ops: `[{"op":"add","path":"urn:example:scimd:test:2.0:Custom:devices","value":[{"value":"d2","since":2020},{"value":"d3","since":"2024"}]},
			{"op":"remove","path":"urn:example:scimd:test:2.0:Custom:devices[since ge 2021]"}]`,
		want: map[string]string{custom + "/devices": `[{"value":"d1","serial":"S1","primary":true},{"value":"d2","since":2020}]`},
	},

	// Groups (E23–E26, O14–O16, RFC 7644 §3.5.2 member examples).
	{
		name: "E23 replace displayName",
		rt:   "group",
		ops:  `[{"op":"Replace","path":"displayName","value":"Guides"}]`,
		want: map[string]string{"displayName": `"Guides"`},
	},
	{
		name: "E24 add members",
		rt:   "group",
		ops: `[{"op":"Add","path":"members","value":[{"$ref":null,"value":"u1"},{"value":"u2","display":"Two"}]},
			{"op":"Add","path":"members","value":[{"value":"u3"}]}]`,
		same: true, add: []string{"u1", "u2", "u3"},
	},
	{
		name: "E25 remove members with a value removes only those",
		rt:   "group",
		ops:  `[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"u1"},{"value":"u2"}]}]`,
		same: true, remove: []string{"u1", "u2"},
	},
	{
		name: "E26 remove member by filter",
		rt:   "group",
		ops:  `[{"op":"remove","path":"members[value eq \"u1\"]"}]`,
		same: true, remove: []string{"u1"},
	},
	{
		name: "remove members by an or of value eq",
		rt:   "group",
		ops:  `[{"op":"remove","path":"members[value eq \"u1\" or value eq \"u2\"]"}]`,
		same: true, remove: []string{"u1", "u2"},
	},
	{
		name: "O14 path-less rename repeating the group's id",
		rt:   "group",
		opts: Options{ID: "g-1"},
		ops:  `[{"op":"replace","value":{"id":"g-1","displayName":"Renamed"}}]`,
		want: map[string]string{"displayName": `"Renamed"`, "id": absent},
	},
	{
		name: "O14 path-less value with another id",
		rt:   "group",
		opts: Options{ID: "g-1"},
		ops:  `[{"op":"replace","value":{"id":"g-2","displayName":"Renamed"}}]`,
		err:  scimerrors.ScimTypeMutability, detail: "id",
	},
	{
		name: "O15 remove then add the same member",
		rt:   "group",
		ops:  `[{"op":"remove","path":"members[value eq \"u1\"]"},{"op":"add","path":"members","value":[{"value":"u1","display":"user@x"}]}]`,
		same: true, remove: []string{"u1"}, add: []string{"u1"},
	},
	{
		name: "add then remove the same member",
		rt:   "group",
		ops:  `[{"op":"add","path":"members","value":[{"value":"u1"},{"value":"u2"}]},{"op":"remove","path":"members[value eq \"u1\"]"}]`,
		same: true, add: []string{"u2"}, remove: []string{"u1"},
	},
	{
		name: "O16 replace members",
		rt:   "group",
		ops:  `[{"op":"replace","path":"members","value":[{"value":"u1","display":"a"},{"value":"u2","display":"b"},{"value":"u1"}]}]`,
		same: true, replace: []string{"u1", "u2"},
	},
	{
		name: "RFC remove all members",
		rt:   "group",
		ops:  `[{"op":"remove","path":"members"}]`,
		same: true, replace: []string{},
	},
	{
		name: "RFC remove all members then add",
		rt:   "group",
		ops:  `[{"op":"remove","path":"members"},{"op":"add","path":"members","value":[{"value":"u3"}]}]`,
		same: true, replace: []string{"u3"},
	},
	{
		name: "path-less members add and rename",
		rt:   "group",
		ops:  `[{"op":"add","value":{"members":[{"value":"u1"}],"displayName":"G2"}}]`,
		want: map[string]string{"displayName": `"G2"`, "members": absent}, add: []string{"u1"},
	},
	{
		name: "path-less members replace",
		rt:   "group",
		ops:  `[{"op":"replace","value":{"members":[{"value":"u9"}]}}]`,
		same: true, replace: []string{"u9"},
	},
	{
		name: "replace members with null empties the group",
		rt:   "group",
		ops:  `[{"op":"replace","path":"members","value":null}]`,
		same: true, replace: []string{},
	},
	{
		name: "remove members with an empty list removes nobody",
		rt:   "group",
		ops:  `[{"op":"remove","path":"members","value":[]}]`,
		same: true,
	},
	{
		name:        "remove members by another filter needs the member list",
		rt:          "group",
		ops:         `[{"op":"remove","path":"members[type eq \"Group\"]"}]`,
		needMembers: true,
	},
	{
		name: "remove members by another filter with the member list",
		rt:   "group",
		opts: Options{Members: []storage.Member{{Value: "u1", Type: "User"}, {Value: "g7", Type: "Group"}}},
		ops:  `[{"op":"remove","path":"members[type eq \"Group\"]"}]`,
		same: true, remove: []string{"g7"},
	},
	{
		name: "a filter over members after a replace needs no member list",
		rt:   "group",
		ops:  `[{"op":"replace","path":"members","value":[{"value":"u1"},{"value":"u2"}]},{"op":"remove","path":"members[value sw \"u1\"]"}]`,
		same: true, replace: []string{"u2"},
	},
	{
		name: "with the member list, re-adding a member changes nothing",
		rt:   "group",
		opts: Options{Members: []storage.Member{{Value: "u1", Type: "User"}}},
		ops:  `[{"op":"add","path":"members","value":[{"value":"u1"}]},{"op":"remove","path":"members[value eq \"u5\"]"}]`,
		same: true,
	},
	{
		name: "with the member list, replace sends only the difference",
		rt:   "group",
		opts: Options{Members: []storage.Member{{Value: "u1", Type: "User"}, {Value: "u2", Type: "User"}}},
		ops:  `[{"op":"replace","path":"members","value":[{"value":"u2"},{"value":"u3"}]}]`,
		same: true, add: []string{"u3"}, remove: []string{"u1"},
	},
	{
		name: "member sub-attributes are immutable",
		rt:   "group",
		ops:  `[{"op":"replace","path":"members[value eq \"u1\"].display","value":"x"}]`,
		err:  scimerrors.ScimTypeMutability, detail: "members",
	},
	{
		name: "member without a value",
		rt:   "group",
		ops:  `[{"op":"add","path":"members","value":[{"display":"x"}]}]`,
		err:  scimerrors.ScimTypeInvalidValue, detail: "value",
	},
	{
		name: "remove a group's displayName",
		rt:   "group",
		ops:  `[{"op":"remove","path":"displayName"}]`,
		err:  scimerrors.ScimTypeMutability, detail: "displayName is required",
	},
	{
		name: "a group has no enterprise extension",
		rt:   "group",
		ops:  `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"x"}]`,
		err:  scimerrors.ScimTypeInvalidPath,
	},
}

func (c patchCase) resourceType(t testing.TB) (*schemas.ResourceType, string) {
	switch c.rt {
	case "group":
		return groupType(), groupDoc
	case "custom":
		return customType(t), customDoc
	}
	return userType(), userDoc
}

func TestApply(t *testing.T) {
	for _, c := range patchCases {
		t.Run(c.name, func(t *testing.T) {
			rt, docJSON := c.resourceType(t)
			if c.doc != "" {
				docJSON = c.doc
			}
			doc, pristine := decodeDoc(t, docJSON), decodeDoc(t, docJSON)
			ops := mustOps(t, c.ops)
			res, err := Apply(rt, doc, ops, c.opts)
			if !reflect.DeepEqual(doc, pristine) {
				t.Fatalf("Apply modified its input document:\n got %v\nwant %v", doc, pristine)
			}
			if c.err != "" {
				if err == nil {
					t.Fatalf("Apply succeeded, want a %s error; doc %v", c.err, res.Doc)
				}
				se := checkScimError(t, err)
				if se.ScimType != c.err || !strings.Contains(se.Detail, c.detail) {
					t.Fatalf("error %s %q, want %s containing %q", se.ScimType, se.Detail, c.err, c.detail)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if res.NeedMembers != c.needMembers {
				t.Fatalf("NeedMembers = %t, want %t", res.NeedMembers, c.needMembers)
			}
			if c.needMembers {
				return
			}
			checkResult(t, rt, pristine, res)
			if c.same && res.Edit.Attributes != nil {
				t.Errorf("Edit.Attributes set for an unchanged document: %v", res.Edit.Attributes)
			}
			if !c.same && res.Edit.Attributes == nil {
				t.Errorf("Edit.Attributes nil, want the changed document")
			}
			for path, want := range c.want {
				got, ok := at(res.Doc, path)
				switch {
				case want == absent && ok:
					t.Errorf("%s = %v, want absent", path, got)
				case want != absent && !ok:
					t.Errorf("%s absent, want %s", path, want)
				case want != absent && !sameValue(got, decode(t, want)):
					t.Errorf("%s = %#v, want %s", path, got, want)
				}
			}
			checkMembers(t, c, res.Edit)
		})
	}
}

// checkResult checks what every successful Apply must guarantee.
func checkResult(t testing.TB, rt *schemas.ResourceType, before map[string]any, res Result) {
	t.Helper()
	if res.Doc == nil {
		t.Fatalf("Result.Doc is nil")
	}
	if err := validateDoc(rt, res.Doc); err != nil {
		t.Fatalf("result does not validate: %v\n%v", err, res.Doc)
	}
	changed := !sameValue(copyDoc(before), res.Doc)
	if changed != (res.Edit.Attributes != nil) {
		t.Fatalf("document changed = %t but Edit.Attributes = %v", changed, res.Edit.Attributes)
	}
	if res.Edit.Attributes != nil && !reflect.DeepEqual(res.Edit.Attributes, res.Doc) {
		t.Fatalf("Edit.Attributes differs from Doc")
	}
	if rt.Name != schemas.GroupType && (res.Edit.ReplaceMembers || len(res.Edit.AddMembers) > 0 || len(res.Edit.RemoveMembers) > 0) {
		t.Fatalf("member changes for a %s: %+v", rt.Name, res.Edit)
	}
	if res.Edit.ReplaceMembers && res.Edit.Members == nil {
		t.Fatalf("ReplaceMembers with a nil Members list")
	}
}

func checkMembers(t *testing.T, c patchCase, e storage.Edit) {
	t.Helper()
	ids := func(list []storage.Member) []string {
		out := []string{}
		for _, m := range list {
			out = append(out, m.Value)
		}
		return out
	}
	if c.replace != nil {
		if !e.ReplaceMembers || !slices.Equal(ids(e.Members), c.replace) {
			t.Errorf("ReplaceMembers %t %v, want true %v", e.ReplaceMembers, ids(e.Members), c.replace)
		}
		return
	}
	if e.ReplaceMembers {
		t.Errorf("ReplaceMembers set, want incremental changes")
	}
	if got := ids(e.AddMembers); !slices.Equal(got, orEmpty(c.add)) {
		t.Errorf("AddMembers %v, want %v", got, c.add)
	}
	if got := orEmpty(e.RemoveMembers); !slices.Equal(got, orEmpty(c.remove)) {
		t.Errorf("RemoveMembers %v, want %v", got, c.remove)
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestApplyNeedMembers runs the caller's protocol: Apply without the member
// list, then again with it.
func TestApplyNeedMembers(t *testing.T) {
	rt := groupType()
	ops := mustOps(t, `[{"op":"add","path":"members","value":[{"value":"u3"}]},
		{"op":"remove","path":"members[type eq \"Group\" or value sw \"u1\"]"},
		{"op":"replace","path":"displayName","value":"G"}]`)
	res, err := Apply(rt, decodeDoc(t, groupDoc), ops, Options{ID: "g"})
	if err != nil || !res.NeedMembers || res.Doc != nil || res.Edit.Attributes != nil {
		t.Fatalf("first Apply = %+v, %v; want only NeedMembers", res, err)
	}
	members := []storage.Member{{Value: "u1", Type: "User"}, {Value: "u2", Type: "User"}, {Value: "g7", Type: "Group"}}
	res, err = Apply(rt, decodeDoc(t, groupDoc), ops, Options{ID: "g", Members: members})
	if err != nil || res.NeedMembers {
		t.Fatalf("second Apply = %+v, %v", res, err)
	}
	if !slices.Equal(res.Edit.RemoveMembers, []string{"u1", "g7"}) || len(res.Edit.AddMembers) != 1 || res.Edit.AddMembers[0].Value != "u3" {
		t.Fatalf("Edit = %+v, want remove [u1 g7], add [u3]", res.Edit)
	}
	if res.Doc["displayName"] != "G" {
		t.Fatalf("displayName = %v", res.Doc["displayName"])
	}
}

// TestApplyDoesNotModifyOperations checks that Apply can run twice on the
// same operations (storage may call the update function more than once).
func TestApplyDoesNotModifyOperations(t *testing.T) {
	rt := userType()
	ops := mustOps(t, `[{"op":"replace","value":{"name":{"givenName":"A","GIVENNAME2":"x"},"emails":[{"value":"a@x","primary":"true"}]}},
		{"op":"add","path":"emails","value":[{"value":"b@x","type":"work","primary":true}]}]`)
	pristine := mustOps(t, `[{"op":"replace","value":{"name":{"givenName":"A","GIVENNAME2":"x"},"emails":[{"value":"a@x","primary":"true"}]}},
		{"op":"add","path":"emails","value":[{"value":"b@x","type":"work","primary":true}]}]`)
	first, err := Apply(rt, decodeDoc(t, userDoc), ops, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ops, pristine) {
		t.Fatalf("Apply modified its operations")
	}
	second, err := Apply(rt, decodeDoc(t, userDoc), ops, Options{})
	if err != nil || !sameValue(first.Doc, second.Doc) {
		t.Fatalf("second Apply differs: %v, %v", second.Doc, err)
	}
	// The result shares nothing with the operations: changing it leaves
	// them intact.
	first.Doc["emails"].([]any)[0].(map[string]any)["value"] = "changed"
	if !reflect.DeepEqual(ops, pristine) {
		t.Fatalf("the result aliases the operations")
	}
}

func TestApplyNilDocument(t *testing.T) {
	res, err := Apply(userType(), nil, mustOps(t, `[{"op":"remove","path":"nickName"}]`), Options{})
	if err != nil || res.Doc == nil || res.Edit.Attributes != nil {
		t.Fatalf("Apply(nil doc) = %+v, %v", res, err)
	}
	if _, err := Apply(nil, nil, nil, Options{}); err == nil {
		t.Fatalf("Apply with no resource type succeeded")
	}
}

// TestApplyGoTypedDocument feeds a document built in Go rather than decoded
// from JSON: typed slices and maps, Go numbers. Apply must read it like its
// JSON form and see no change where there is none.
func TestApplyGoTypedDocument(t *testing.T) {
	rt := customType(t)
	doc := map[string]any{
		"userName": "c",
		"emails":   []map[string]any{{"value": "a@x", "type": "work", "primary": true}},
		custom: map[string]any{
			"level": "L1", "badge": 7, "score": float32(1.5), "tags": []string{"a", "b"},
			"hired": "2026-01-31T12:00:00Z",
		},
	}
	res, err := Apply(rt, doc, mustOps(t, `[{"op":"add","path":"emails","value":{"value":"a@x","type":"work","primary":true}},
		{"op":"replace","path":"urn:example:scimd:test:2.0:Custom:badge","value":"7"},
		{"op":"add","path":"urn:example:scimd:test:2.0:Custom:tags","value":["b"]},
		{"op":"replace","path":"urn:example:scimd:test:2.0:Custom:score","value":1.5},
		{"op":"remove","path":"urn:example:scimd:test:2.0:Custom:tags[value eq \"zz\"]"}]`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Edit.Attributes != nil {
		t.Fatalf("unchanged document reported as changed: %v", res.Doc)
	}
	res, err = Apply(rt, doc, mustOps(t, `[{"op":"remove","path":"urn:example:scimd:test:2.0:Custom:tags[value eq \"a\"]"}]`), Options{})
	if err != nil || !sameValue(res.Doc[custom].(map[string]any)["tags"], []any{"b"}) {
		t.Fatalf("remove tags[value eq a] = %v, %v", res.Doc, err)
	}
	if _, ok := doc[custom].(map[string]any)["tags"].([]string); !ok {
		t.Fatalf("input document modified")
	}
}

// TestApplyFilterOperators covers the compare operators on each type.
func TestApplyFilterOperators(t *testing.T) {
	rt := customType(t)
	doc := `{"userName":"c","urn:example:scimd:test:2.0:Custom":{"level":"L","devices":[
		{"value":"Alpha","since":2019},{"value":"beta","since":2021},{"value":"Gamma"}]}}`
	cases := []struct {
		filter string
		left   string // values of the devices left after removing matches
	}{
		{`value eq "alpha"`, "beta Gamma"},
		{`value ne "alpha"`, "Alpha"},
		{`value co "MM"`, "Alpha beta"},
		{`value sw "a"`, "beta Gamma"},
		{`value ew "A"`, ""},
		{`value gt "b"`, "Alpha"},
		{`value ge "beta"`, "Alpha"},
		{`value lt "b"`, "beta Gamma"},
		{`value le "beta"`, "Gamma"},
		{`since pr`, "Gamma"},
		{`not(since pr)`, "Alpha beta"},
		{`since eq null`, "Alpha beta"},
		{`since ne null`, "Gamma"},
		{`since gt 2019`, "Alpha Gamma"},
		{`since le "2019"`, "beta Gamma"},
		{`since lt 2020.5 or value eq "gamma"`, "beta"},
		{`since ge 2019 and since lt 2021`, "beta Gamma"},
		{`primary eq false`, "Alpha beta Gamma"},
		{`primary ne true`, ""},
	}
	for _, c := range cases {
		ops := mustOps(t, `[{"op":"remove","path":"urn:example:scimd:test:2.0:Custom:devices[`+strings.ReplaceAll(c.filter, `"`, `\"`)+`]"}]`)
		res, err := Apply(rt, decodeDoc(t, doc), ops, Options{})
		if err != nil {
			t.Errorf("%s: %v", c.filter, err)
			continue
		}
		var left []string
		list, _ := at(res.Doc, custom+"/devices")
		for _, d := range asList(list) {
			if m, ok := d.(map[string]any); ok {
				left = append(left, m["value"].(string))
			}
		}
		if got := strings.Join(left, " "); got != c.left {
			t.Errorf("remove devices[%s] left %q, want %q", c.filter, got, c.left)
		}
	}
}
