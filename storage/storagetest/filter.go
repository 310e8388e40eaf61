package storagetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scim2/filter-parser/v2"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

// Filter fixtures. Users are created in this order; the first six (and the
// groups admins, eng and engops) before the time {{mid}}, the other six (and
// the groups sales and empty) after it. Afterwards alice gets a nickName, so
// her lastModified is after {{mid}} too. grace also has two addresses (work
// Berlin DE, home Paris FR primary) and a phone number; heidi's displayName
// has an emoji.
//
// The default schema has no numeric (integer or decimal) User or Group
// attribute, so there are no numeric comparison cases; numbers appear only
// as type errors.
//
//	key      userName         externalId active emails (type, primary)                       name              title     enterprise
//	bob      bob              E2         false  bob@example.com (work, primary)               Bob Jones         Manager   100/Engineering/CC2/Acme/South
//	alice    alice            E1         true   alice@example.com (work, primary), a@home.org Alice Smith       Engineer  701984/Sales/CC1/Acme/North, manager bob
//	carol    Carol            e1         true   carol@EXAMPLE.org (home)                      Carol King        engineer  department sales, manager bob
//	dave     dave             -          -      dave@corp.net (work), dave@example.com (home, primary) Dave -       -         -
//	erin     ÄRGER            -          true   -                                             Erin Ärger        -         -
//	frank    per%cent_x       -          false  frank@example.com (work)                      -                 -         -
//	grace    under_score      -          true   -                                             -                 Designer  -
//	heidi    back\slash       -          -      -                                             -                 -         -
//	ivan     wild!card*q?[z]  -          -      -                                             -                 -         -
//	judy     o"brien          -          false  -                                             -                 -         -
//	mallory  mallory          E1         true   mallory@example.net (no type)                 -                 Intern    701985/Marketing/CC1
//	niaj     niaj             -          -      -                                             -                 -         -
//
// Groups: admins {alice, bob}; eng {alice, carol, group admins};
// engops {dave}; sales {mallory}; empty {}.
var (
	earlyUsers = []string{"bob", "alice", "carol", "dave", "erin", "frank"}
	lateUsers  = []string{"grace", "heidi", "ivan", "judy", "mallory", "niaj"}
)

func filterUserDocs(ids map[string]string) map[string]map[string]any {
	ent := schemas.EnterpriseUserURN
	return map[string]map[string]any{
		"bob": {
			"userName": "bob", "externalId": "E2", "active": false, "displayName": "Bob Jones",
			"name": map[string]any{"givenName": "Bob", "familyName": "Jones"},
			"emails": []any{
				map[string]any{"value": "bob@example.com", "type": "work", "primary": true},
			},
			"title": "Manager",
			ent: map[string]any{
				"employeeNumber": "100", "department": "Engineering", "costCenter": "CC2",
				"organization": "Acme", "division": "South",
			},
		},
		"alice": {
			"userName": "alice", "externalId": "E1", "active": true, "displayName": "Alice Smith",
			"name": map[string]any{"givenName": "Alice", "familyName": "Smith"},
			"emails": []any{
				map[string]any{"value": "alice@example.com", "type": "work", "primary": true},
				map[string]any{"value": "a@home.org", "type": "home"},
			},
			"title": "Engineer",
			ent: map[string]any{
				"employeeNumber": "701984", "department": "Sales", "costCenter": "CC1",
				"organization": "Acme", "division": "North",
				"manager": map[string]any{"value": ids["bob"]},
			},
		},
		"carol": {
			"userName": "Carol", "externalId": "e1", "active": true, "displayName": "Carol King",
			"name": map[string]any{"givenName": "Carol", "familyName": "King"},
			"emails": []any{
				map[string]any{"value": "carol@EXAMPLE.org", "type": "home"},
			},
			"title": "engineer",
			ent: map[string]any{
				"department": "sales",
				"manager":    map[string]any{"value": ids["bob"]},
			},
		},
		"dave": {
			"userName": "dave", "displayName": "Dave",
			"name": map[string]any{"givenName": "Dave"},
			"emails": []any{
				map[string]any{"value": "dave@corp.net", "type": "work"},
				map[string]any{"value": "dave@example.com", "type": "home", "primary": true},
			},
		},
		"erin": {
			"userName": "ÄRGER", "active": true, "displayName": "Ärger Erin",
			"name": map[string]any{"givenName": "Erin", "familyName": "Ärger"},
		},
		"frank": {
			"userName": "per%cent_x", "active": false, "displayName": "Frank",
			"emails": []any{
				map[string]any{"value": "frank@example.com", "type": "work"},
			},
		},
		"grace": {
			"userName": "under_score", "active": true, "displayName": "Grace", "title": "Designer",
			"addresses": []any{
				map[string]any{"type": "work", "locality": "Berlin", "country": "DE"},
				map[string]any{"type": "home", "locality": "Paris", "country": "FR", "primary": true},
			},
			"phoneNumbers": []any{map[string]any{"value": "+1 555 0100", "type": "mobile"}},
		},
		"heidi": {"userName": `back\slash`, "displayName": "Heidi 🙂"},
		"ivan":  {"userName": "wild!card*q?[z]", "displayName": "Ivan"},
		"judy":  {"userName": `o"brien`, "active": false, "displayName": `Judy O"Brien`},
		"mallory": {
			"userName": "mallory", "externalId": "E1", "active": true, "displayName": "Mallory",
			"title": "Intern",
			"emails": []any{
				map[string]any{"value": "mallory@example.net"},
			},
			ent: map[string]any{"employeeNumber": "701985", "department": "Marketing", "costCenter": "CC1"},
		},
		"niaj": {"userName": "niaj"},
	}
}

type groupFixture struct {
	key         string
	doc         map[string]any
	userMembers []string
	subGroups   []string
}

var filterGroups = []groupFixture{
	{key: "admins", doc: map[string]any{"displayName": "Admins", "externalId": "G1"}, userMembers: []string{"alice", "bob"}},
	{key: "eng", doc: map[string]any{"displayName": "Engineering", "externalId": "G2"}, userMembers: []string{"alice", "carol"}, subGroups: []string{"admins"}},
	{key: "engops", doc: map[string]any{"displayName": "Eng Ops", "externalId": "g1"}, userMembers: []string{"dave"}},
	{key: "sales", doc: map[string]any{"displayName": "Sales Team"}, userMembers: []string{"mallory"}},
	{key: "empty", doc: map[string]any{"displayName": "Empty"}},
}

type filterCase struct {
	name    string
	rt      string // schemas.UserType or schemas.GroupType
	filter  string // {{key}} is replaced by the fixture's ID, {{mid}} etc. by times
	want    []string
	wantErr bool
}

const (
	user  = schemas.UserType
	group = schemas.GroupType
)

// Sets of users used by several cases.
var (
	allUsers       = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj"}
	activeTrue     = []string{"alice", "carol", "erin", "grace", "mallory"}
	activeFalse    = []string{"bob", "frank", "judy"}
	activeAbsent   = []string{"dave", "heidi", "ivan", "niaj"}
	withEmails     = []string{"alice", "bob", "carol", "dave", "frank", "mallory"}
	withTitle      = []string{"alice", "bob", "carol", "grace", "mallory"}
	allGroups      = []string{"admins", "eng", "engops", "sales", "empty"}
	lateAndAlice   = append(slices.Clone(lateUsers), "alice")
	earlyButAlice  = []string{"bob", "carol", "dave", "erin", "frank"}
	withDepartment = []string{"alice", "bob", "carol", "mallory"}
)

func except(all []string, drop ...string) []string {
	var out []string
	for _, k := range all {
		if !slices.Contains(drop, k) {
			out = append(out, k)
		}
	}
	return out
}

func union(sets ...[]string) []string {
	var out []string
	for _, s := range sets {
		for _, k := range s {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

func none() []string { return []string{} }

var filterCases = []filterCase{
	// eq
	{name: "eq userName", rt: user, filter: `userName eq "alice"`, want: []string{"alice"}},
	{name: "eq userName upper-case value", rt: user, filter: `userName eq "ALICE"`, want: []string{"alice"}},
	{name: "eq attribute name is case-insensitive", rt: user, filter: `UserName eq "bob"`, want: []string{"bob"}},
	{name: "eq operator is case-insensitive", rt: user, filter: `userName EQ "bob"`, want: []string{"bob"}},
	{name: "eq stored upper-case value", rt: user, filter: `userName eq "carol"`, want: []string{"carol"}},
	{name: "eq no match", rt: user, filter: `userName eq "nobody"`, want: none()},
	{name: "eq URN-qualified core attribute", rt: user, filter: `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "alice"`, want: []string{"alice"}},
	{name: "eq URN-qualified core sub-attribute", rt: user, filter: `urn:ietf:params:scim:schemas:core:2.0:User:name.familyName eq "smith"`, want: []string{"alice"}},
	{name: "eq externalId is case-exact", rt: user, filter: `externalId eq "E1"`, want: []string{"alice", "mallory"}},
	{name: "eq externalId lower-case", rt: user, filter: `externalId eq "e1"`, want: []string{"carol"}},
	{name: "eq externalId E2", rt: user, filter: `externalId eq "E2"`, want: []string{"bob"}},
	{name: "eq id", rt: user, filter: `id eq "{{alice}}"`, want: []string{"alice"}},
	{name: "eq id of a group finds no user", rt: user, filter: `id eq "{{admins}}"`, want: none()},
	// sw on identifier columns (ASCII-only on MySQL, found by FuzzFilterMySQL).
	{name: "sw id", rt: user, filter: `id sw "{{alice}}"`, want: []string{"alice"}},
	{name: "sw groups.value", rt: user, filter: `groups.value sw "{{admins}}"`, want: []string{"alice", "bob"}},
	{name: "sw members value path", rt: group, filter: `members[value sw "{{alice}}"]`, want: []string{"admins", "eng"}},
	{name: "eq displayName", rt: user, filter: `displayName eq "alice smith"`, want: []string{"alice"}},
	{name: "eq title case-insensitive", rt: user, filter: `title eq "ENGINEER"`, want: []string{"alice", "carol"}},
	{name: "eq name.givenName", rt: user, filter: `name.givenName eq "alice"`, want: []string{"alice"}},
	{name: "eq nickName set by update", rt: user, filter: `nickName eq "ally"`, want: []string{"alice"}},
	{name: "eq emails.value case-insensitive", rt: user, filter: `emails.value eq "CAROL@example.ORG"`, want: []string{"carol"}},
	{name: "eq emails implicit value", rt: user, filter: `emails eq "dave@corp.net"`, want: []string{"dave"}},
	{name: "eq emails.type", rt: user, filter: `emails.type eq "home"`, want: []string{"alice", "carol", "dave"}},

	// ne: not eq, so resources without the attribute match.
	{name: "ne userName", rt: user, filter: `userName ne "alice"`, want: except(allUsers, "alice")},
	{name: "ne title includes absent", rt: user, filter: `title ne "engineer"`, want: except(allUsers, "alice", "carol")},
	{name: "ne externalId case-exact includes absent", rt: user, filter: `externalId ne "E1"`, want: except(allUsers, "alice", "mallory")},
	{name: "ne active true", rt: user, filter: `active ne true`, want: union(activeFalse, activeAbsent)},
	{name: "ne active false", rt: user, filter: `active ne false`, want: union(activeTrue, activeAbsent)},
	{name: "ne department", rt: user, filter: `department ne "sales"`, want: except(allUsers, "alice", "carol")},

	// co
	{name: "co userName", rt: user, filter: `userName co "li"`, want: []string{"alice"}},
	{name: "co displayName case-insensitive", rt: user, filter: `displayName co "SMITH"`, want: []string{"alice"}},
	{name: "co emails implicit value", rt: user, filter: `emails co "example"`, want: withEmails},
	{name: "co emails.value", rt: user, filter: `emails.value co "@example.com"`, want: []string{"alice", "bob", "dave", "frank"}},
	{name: "co percent is literal", rt: user, filter: `userName co "%"`, want: []string{"frank"}},
	{name: "co underscore is literal", rt: user, filter: `userName co "_"`, want: []string{"frank", "grace"}},
	{name: "co backslash is literal", rt: user, filter: `userName co "\\"`, want: []string{"heidi"}},
	{name: "co bang is literal", rt: user, filter: `userName co "!"`, want: []string{"ivan"}},
	{name: "co star is literal", rt: user, filter: `userName co "*"`, want: []string{"ivan"}},
	{name: "co question mark is literal", rt: user, filter: `userName co "?"`, want: []string{"ivan"}},
	{name: "co bracket is literal", rt: user, filter: `userName co "["`, want: []string{"ivan"}},
	{name: "co bracket class is literal", rt: user, filter: `userName co "[z]"`, want: []string{"ivan"}},
	{name: "co bang sequence", rt: user, filter: `userName co "!card*"`, want: []string{"ivan"}},
	{name: "co percent in the middle", rt: user, filter: `userName co "r%c"`, want: []string{"frank"}},
	{name: "co underscore in the middle", rt: user, filter: `userName co "r_s"`, want: []string{"grace"}},
	{name: "co escaped quote", rt: user, filter: `displayName co "\""`, want: []string{"judy"}},
	{name: "co no match", rt: user, filter: `userName co "zzz"`, want: none()},

	// sw
	{name: "sw userName upper-case value", rt: user, filter: `userName sw "A"`, want: []string{"alice"}},
	{name: "sw percent prefix", rt: user, filter: `userName sw "per%"`, want: []string{"frank"}},
	{name: "sw underscore not a wildcard", rt: user, filter: `userName sw "p_r"`, want: none()},
	{name: "sw percent not a wildcard", rt: user, filter: `userName sw "%"`, want: none()},
	{name: "sw bang", rt: user, filter: `userName sw "wild!"`, want: []string{"ivan"}},
	{name: "sw backslash", rt: user, filter: `userName sw "back\\"`, want: []string{"heidi"}},
	{name: "sw escaped quote", rt: user, filter: `userName sw "o\""`, want: []string{"judy"}},
	{name: "sw name.familyName", rt: user, filter: `name.familyName sw "J"`, want: []string{"bob"}},
	{name: "sw emails", rt: user, filter: `emails sw "dave@"`, want: []string{"dave"}},

	// ew
	{name: "ew underscore x", rt: user, filter: `userName ew "_x"`, want: []string{"frank"}},
	{name: "ew glob characters", rt: user, filter: `userName ew "?[z]"`, want: []string{"ivan"}},
	{name: "ew backslash", rt: user, filter: `userName ew "\\slash"`, want: []string{"heidi"}},
	{name: "ew percent not a wildcard", rt: user, filter: `userName ew "%"`, want: none()},
	{name: "ew emails.value case-insensitive", rt: user, filter: `emails.value ew ".ORG"`, want: []string{"alice", "carol"}},

	// pr
	{name: "pr title", rt: user, filter: `title pr`, want: withTitle},
	{name: "pr emails", rt: user, filter: `emails pr`, want: withEmails},
	{name: "not pr emails", rt: user, filter: `not (emails pr)`, want: except(allUsers, withEmails...)},
	{name: "pr emails.value", rt: user, filter: `emails.value pr`, want: withEmails},
	{name: "pr emails.type", rt: user, filter: `emails.type pr`, want: []string{"alice", "bob", "carol", "dave", "frank"}},
	{name: "pr name", rt: user, filter: `name pr`, want: []string{"alice", "bob", "carol", "dave", "erin"}},
	{name: "pr name.familyName", rt: user, filter: `name.familyName pr`, want: []string{"alice", "bob", "carol", "erin"}},
	{name: "not pr name.familyName", rt: user, filter: `not (name.familyName pr)`, want: except(allUsers, "alice", "bob", "carol", "erin")},
	{name: "pr externalId", rt: user, filter: `externalId pr`, want: []string{"alice", "bob", "carol", "mallory"}},
	{name: "pr active", rt: user, filter: `active pr`, want: union(activeTrue, activeFalse)},
	{name: "pr id", rt: user, filter: `id pr`, want: allUsers},
	{name: "pr extension complex", rt: user, filter: `manager pr`, want: []string{"alice", "carol"}},
	{name: "pr URN-qualified extension attribute", rt: user, filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department pr`, want: withDepartment},

	// gt ge lt le on strings: case-insensitive, lexicographic.
	{name: "gt lt userName range", rt: user, filter: `userName gt "m" and userName lt "p"`, want: []string{"judy", "mallory", "niaj"}},
	{name: "ge le userName inclusive", rt: user, filter: `userName ge "mallory" and userName le "niaj"`, want: []string{"mallory", "niaj"}},
	{name: "gt le userName case-insensitive", rt: user, filter: `userName gt "CAROL" and userName le "Dave"`, want: []string{"dave"}},
	{name: "ge lt userName", rt: user, filter: `userName ge "c" and userName lt "p"`, want: []string{"carol", "dave", "judy", "mallory", "niaj"}},
	{name: "lt employeeNumber is a string compare", rt: user, filter: `employeeNumber lt "2"`, want: []string{"bob"}},
	{name: "gt employeeNumber", rt: user, filter: `employeeNumber gt "7"`, want: []string{"alice", "mallory"}},
	{name: "ge employeeNumber", rt: user, filter: `employeeNumber ge "701985"`, want: []string{"mallory"}},
	{name: "le employeeNumber", rt: user, filter: `employeeNumber le "701984"`, want: []string{"alice", "bob"}},

	// booleans
	{name: "eq active true", rt: user, filter: `active eq true`, want: activeTrue},
	{name: "eq active false", rt: user, filter: `active eq false`, want: activeFalse},
	{name: "not eq active true", rt: user, filter: `not (active eq true)`, want: union(activeFalse, activeAbsent)},
	{name: "value path primary", rt: user, filter: `emails[primary eq true]`, want: []string{"alice", "bob", "dave"}},
	{name: "sub-attribute primary", rt: user, filter: `emails.primary eq true`, want: []string{"alice", "bob", "dave"}},

	// logical operators and precedence
	{name: "or", rt: user, filter: `userName eq "alice" or userName eq "bob"`, want: []string{"alice", "bob"}},
	{name: "and", rt: user, filter: `title eq "engineer" and active eq true`, want: []string{"alice", "carol"}},
	{name: "and binds tighter than or", rt: user, filter: `userName eq "alice" or userName eq "bob" and active eq true`, want: []string{"alice"}},
	{name: "and binds tighter than or, left", rt: user, filter: `userName eq "bob" and active eq false or userName eq "carol"`, want: []string{"bob", "carol"}},
	{name: "parentheses", rt: user, filter: `(userName eq "alice" or userName eq "bob") and active eq false`, want: []string{"bob"}},
	{name: "not or", rt: user, filter: `not (userName eq "alice" or userName eq "bob")`, want: except(allUsers, "alice", "bob")},
	{name: "not and pr", rt: user, filter: `not (active eq true) and emails pr`, want: []string{"bob", "dave", "frank"}},
	{name: "pr and not", rt: user, filter: `title pr and not (title eq "engineer")`, want: []string{"bob", "grace", "mallory"}},
	{name: "three ors", rt: user, filter: `userName sw "a" or userName sw "b" or userName sw "c"`, want: []string{"alice", "bob", "carol", "heidi"}},
	{name: "and with nested or", rt: user, filter: `active eq true and (title eq "intern" or title eq "designer")`, want: []string{"grace", "mallory"}},
	{name: "double not", rt: user, filter: `not (not (userName eq "alice"))`, want: []string{"alice"}},
	{name: "contradiction", rt: user, filter: `userName eq "alice" and userName eq "bob"`, want: none()},
	{name: "three ands", rt: user, filter: `active pr and emails pr and title pr`, want: []string{"alice", "bob", "carol", "mallory"}},

	// value paths: all conditions must hold for the same value.
	{name: "value path and", rt: user, filter: `emails[type eq "work" and value co "example"]`, want: []string{"alice", "bob", "frank"}},
	{name: "separate sub-attributes need not share a value", rt: user, filter: `emails.type eq "work" and emails.value co "example"`, want: []string{"alice", "bob", "dave", "frank"}},
	{name: "value path not", rt: user, filter: `emails[not (type eq "work")]`, want: []string{"alice", "carol", "dave", "mallory"}},
	{name: "value path ne", rt: user, filter: `emails[type ne "work"]`, want: []string{"alice", "carol", "dave", "mallory"}},
	{name: "value path case-insensitive type", rt: user, filter: `emails[type eq "WORK"]`, want: []string{"alice", "bob", "dave", "frank"}},
	{name: "value path or", rt: user, filter: `emails[type eq "home" or primary eq true]`, want: []string{"alice", "bob", "carol", "dave"}},
	{name: "value path and boolean", rt: user, filter: `emails[type eq "work" and primary eq true]`, want: []string{"alice", "bob"}},
	{name: "value path combined with and", rt: user, filter: `emails[value ew ".org"] and active eq true`, want: []string{"alice", "carol"}},
	{name: "not value path", rt: user, filter: `not (emails[type eq "work"])`, want: except(allUsers, "alice", "bob", "dave", "frank")},
	{name: "value path on single-valued complex", rt: user, filter: `name[givenName eq "alice"]`, want: []string{"alice"}},
	{name: "value path pr", rt: user, filter: `emails[type pr]`, want: []string{"alice", "bob", "carol", "dave", "frank"}},
	// Entra's emails[type eq "work"].value eq x, and the same driven from
	// either side: one element must have both the type and the value.
	{name: "value path type and value", rt: user, filter: `emails[type eq "work" and value eq "DAVE@corp.net"]`, want: []string{"dave"}},
	{name: "value path value of another type", rt: user, filter: `emails[type eq "work" and value eq "a@home.org"]`, want: none()},
	{name: "value path value and type", rt: user, filter: `emails[value eq "a@home.org" and type eq "home"]`, want: []string{"alice"}},
	{name: "value path value and other type", rt: user, filter: `emails[value eq "dave@corp.net" and type eq "home"]`, want: none()},
	{name: "value path primary and value", rt: user, filter: `emails[primary eq true and value eq "dave@example.com"]`, want: []string{"dave"}},
	{name: "value path primary and a value not primary", rt: user, filter: `emails[primary eq true and value eq "dave@corp.net"]`, want: none()},

	// other multi-valued attributes
	{name: "addresses value path", rt: user, filter: `addresses[type eq "work" and country eq "de"]`, want: []string{"grace"}},
	{name: "addresses value path no same-element match", rt: user, filter: `addresses[type eq "work" and locality eq "Paris"]`, want: none()},
	{name: "addresses sub-attributes", rt: user, filter: `addresses.type eq "work" and addresses.locality eq "paris"`, want: []string{"grace"}},
	{name: "addresses primary", rt: user, filter: `addresses[primary eq true and country eq "FR"]`, want: []string{"grace"}},
	{name: "phoneNumbers co", rt: user, filter: `phoneNumbers.value co "555"`, want: []string{"grace"}},
	{name: "phoneNumbers implicit value", rt: user, filter: `phoneNumbers sw "+1 "`, want: []string{"grace"}},
	{name: "valid attribute nobody has", rt: user, filter: `emails.display eq "x"`, want: none()},
	{name: "valid attribute nobody has pr", rt: user, filter: `ims pr`, want: none()},
	{name: "two value paths", rt: user, filter: `emails[type eq "work"] and addresses[type eq "work"] or emails[value sw "carol"]`, want: []string{"carol"}},

	// Unicode
	{name: "non-BMP character", rt: user, filter: `displayName co "🙂"`, want: []string{"heidi"}},
	{name: "non-BMP character ew", rt: user, filter: `displayName ew "i 🙂"`, want: []string{"heidi"}},
	{name: "unicode fold lower", rt: user, filter: `userName eq "ärger"`, want: []string{"erin"}},
	{name: "unicode fold upper", rt: user, filter: `userName eq "ÄRGER"`, want: []string{"erin"}},
	{name: "unicode escape", rt: user, filter: `userName eq "\u00E4rger"`, want: []string{"erin"}},
	{name: "unicode not accent-insensitive", rt: user, filter: `userName eq "arger"`, want: none()},
	{name: "unicode co", rt: user, filter: `displayName co "ärger"`, want: []string{"erin"}},
	{name: "unicode sw sub-attribute", rt: user, filter: `name.familyName sw "ä"`, want: []string{"erin"}},

	// escapes in filter strings
	{name: "escaped quote", rt: user, filter: `userName eq "o\"brien"`, want: []string{"judy"}},
	{name: "escaped backslash", rt: user, filter: `userName eq "back\\slash"`, want: []string{"heidi"}},
	{name: "unicode-escaped quote", rt: user, filter: `userName eq "O\u0022BRIEN"`, want: []string{"judy"}},

	// enterprise extension
	{name: "URN-qualified extension eq", rt: user, filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales"`, want: []string{"alice", "carol"}},
	{name: "unprefixed extension eq", rt: user, filter: `department eq "SALES"`, want: []string{"alice", "carol"}},
	{name: "URN and name are case-insensitive", rt: user, filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:DEPARTMENT eq "marketing"`, want: []string{"mallory"}},
	{name: "employeeNumber", rt: user, filter: `employeeNumber eq "701984"`, want: []string{"alice"}},
	{name: "costCenter", rt: user, filter: `costCenter eq "cc1"`, want: []string{"alice", "mallory"}},
	{name: "organization", rt: user, filter: `organization eq "acme"`, want: []string{"alice", "bob"}},
	{name: "division", rt: user, filter: `division sw "no"`, want: []string{"alice"}},
	{name: "manager.value", rt: user, filter: `manager.value eq "{{bob}}"`, want: []string{"alice", "carol"}},
	{name: "URN-qualified manager.value", rt: user, filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "{{bob}}"`, want: []string{"alice", "carol"}},
	{name: "extension and core", rt: user, filter: `department eq "sales" and externalId eq "E1"`, want: []string{"alice"}},

	// dateTime
	{name: "created lt", rt: user, filter: `meta.created lt "{{mid}}"`, want: earlyUsers},
	{name: "created gt", rt: user, filter: `meta.created gt "{{mid}}"`, want: lateUsers},
	{name: "created ge with +02:00 offset", rt: user, filter: `meta.created ge "{{mid+02:00}}"`, want: lateUsers},
	{name: "created le with -05:00 offset", rt: user, filter: `meta.created le "{{mid-05:00}}"`, want: earlyUsers},
	{name: "created gt without fraction", rt: user, filter: `meta.created gt "2000-01-01T00:00:00Z"`, want: allUsers},
	{name: "lastModified ge", rt: user, filter: `meta.lastModified ge "{{mid}}"`, want: lateAndAlice},
	{name: "lastModified lt", rt: user, filter: `meta.lastModified lt "{{mid}}"`, want: earlyButAlice},
	{name: "lastModified lt long ago", rt: user, filter: `meta.lastModified lt "2000-01-01T00:00:00Z"`, want: none()},
	{name: "created pr", rt: user, filter: `meta.created pr`, want: allUsers},
	{name: "created range", rt: user, filter: `meta.created gt "{{mid}}" and meta.created lt "{{end}}"`, want: lateUsers},

	// group membership seen from the user
	{name: "groups.value admins", rt: user, filter: `groups.value eq "{{admins}}"`, want: []string{"alice", "bob"}},
	{name: "groups.value eng is direct only", rt: user, filter: `groups.value eq "{{eng}}"`, want: []string{"alice", "carol"}},
	{name: "groups value path", rt: user, filter: `groups[value eq "{{engops}}"]`, want: []string{"dave"}},
	{name: "groups pr", rt: user, filter: `groups pr`, want: []string{"alice", "bob", "carol", "dave", "mallory"}},
	{name: "not groups pr", rt: user, filter: `not (groups pr)`, want: []string{"erin", "frank", "grace", "heidi", "ivan", "judy", "niaj"}},
	{name: "groups.value of empty group", rt: user, filter: `groups.value eq "{{empty}}"`, want: none()},
	{name: "groups.value and attribute", rt: user, filter: `groups.value eq "{{admins}}" and active eq true`, want: []string{"alice"}},

	// invalid user filters
	{name: "error unknown attribute", rt: user, filter: `foo eq "x"`, wantErr: true},
	{name: "error unknown attribute pr", rt: user, filter: `foo pr`, wantErr: true},
	{name: "error unknown attribute under or", rt: user, filter: `userName eq "alice" or bogus eq "x"`, wantErr: true},
	{name: "error unknown attribute under not", rt: user, filter: `not (bogus pr)`, wantErr: true},
	{name: "error complex without sub-attribute", rt: user, filter: `name eq "x"`, wantErr: true},
	{name: "error unknown sub-attribute", rt: user, filter: `name.bogus eq "x"`, wantErr: true},
	{name: "error unknown extension attribute", rt: user, filter: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:bogus eq "x"`, wantErr: true},
	{name: "error unknown schema URN", rt: user, filter: `urn:example:params:scim:schemas:other:1.0:User:userName eq "x"`, wantErr: true},
	{name: "error group attribute on users", rt: user, filter: `members.value eq "x"`, wantErr: true},
	{name: "error group URN on users", rt: user, filter: `urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "x"`, wantErr: true},
	{name: "error eq null", rt: user, filter: `userName eq null`, wantErr: true},
	{name: "error string compared to number", rt: user, filter: `userName gt 5`, wantErr: true},
	{name: "error string compared to boolean", rt: user, filter: `title eq true`, wantErr: true},
	{name: "error unknown sub-attribute in value path", rt: user, filter: `emails[bogus eq "x"]`, wantErr: true},
	{name: "error value path on simple attribute", rt: user, filter: `userName[value eq "x"]`, wantErr: true},
	{name: "error boolean gt", rt: user, filter: `active gt true`, wantErr: true},
	{name: "error boolean le", rt: user, filter: `active le false`, wantErr: true},
	{name: "error boolean sub-attribute lt in value path", rt: user, filter: `emails[primary lt true]`, wantErr: true},
	{name: "error binary gt", rt: user, filter: `x509Certificates.value gt "AAAA"`, wantErr: true},
	{name: "error boolean compared to string", rt: user, filter: `active eq "yes"`, wantErr: true},
	{name: "error boolean sub-attribute compared to string", rt: user, filter: `emails.primary eq "yes"`, wantErr: true},
	{name: "error bad dateTime", rt: user, filter: `meta.created gt "not-a-date"`, wantErr: true},
	{name: "error dateTime compared to number", rt: user, filter: `meta.created eq 5`, wantErr: true},

	// groups
	{name: "group eq displayName case-insensitive", rt: group, filter: `displayName eq "admins"`, want: []string{"admins"}},
	{name: "group sw displayName", rt: group, filter: `displayName sw "Eng"`, want: []string{"eng", "engops"}},
	{name: "group sw displayName lower-case", rt: group, filter: `displayName sw "eng"`, want: []string{"eng", "engops"}},
	{name: "group co displayName", rt: group, filter: `displayName co "TEAM"`, want: []string{"sales"}},
	{name: "group ne displayName", rt: group, filter: `displayName ne "admins"`, want: except(allGroups, "admins")},
	{name: "group URN-qualified displayName", rt: group, filter: `urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "EMPTY"`, want: []string{"empty"}},
	{name: "group members.value", rt: group, filter: `members.value eq "{{alice}}"`, want: []string{"admins", "eng"}},
	{name: "group members value path", rt: group, filter: `members[value eq "{{alice}}"]`, want: []string{"admins", "eng"}},
	{name: "group nested group member", rt: group, filter: `members[value eq "{{admins}}"]`, want: []string{"eng"}},
	{name: "group members.type", rt: group, filter: `members.type eq "Group"`, want: []string{"eng"}},
	{name: "group members.type case-insensitive", rt: group, filter: `members.type eq "group"`, want: []string{"eng"}},
	{name: "group members value path and", rt: group, filter: `members[type eq "User" and value eq "{{carol}}"]`, want: []string{"eng"}},
	{name: "group members value path type mismatch", rt: group, filter: `members[type eq "Group" and value eq "{{carol}}"]`, want: none()},
	{name: "group members pr", rt: group, filter: `members pr`, want: except(allGroups, "empty")},
	{name: "group not members pr", rt: group, filter: `not (members pr)`, want: []string{"empty"}},
	{name: "group members or", rt: group, filter: `members.value eq "{{mallory}}" or members.value eq "{{dave}}"`, want: []string{"engops", "sales"}},
	{name: "group members and not", rt: group, filter: `members.value eq "{{alice}}" and not (displayName sw "Eng")`, want: []string{"admins"}},
	{name: "group externalId", rt: group, filter: `externalId eq "G1"`, want: []string{"admins"}},
	{name: "group externalId case-exact", rt: group, filter: `externalId eq "g1"`, want: []string{"engops"}},
	{name: "group externalId pr", rt: group, filter: `externalId pr`, want: []string{"admins", "eng", "engops"}},
	{name: "group id", rt: group, filter: `id eq "{{eng}}"`, want: []string{"eng"}},
	{name: "group id of a user finds no group", rt: group, filter: `id eq "{{alice}}"`, want: none()},
	{name: "group created pr", rt: group, filter: `meta.created pr`, want: allGroups},

	// invalid group filters
	{name: "group error user attribute", rt: group, filter: `userName eq "x"`, wantErr: true},
	{name: "group error extension attribute", rt: group, filter: `department eq "Sales"`, wantErr: true},
	{name: "group error unknown members sub-attribute", rt: group, filter: `members.bogus eq "x"`, wantErr: true},
	{name: "group error unknown members value path attribute", rt: group, filter: `members[bogus eq "x"]`, wantErr: true},
	{name: "group error string compared to boolean", rt: group, filter: `displayName gt true`, wantErr: true},
}

func testFilters(t *testing.T, s storage.Store) {
	set := schemas.Default()
	tenant := mustTenant(t, s, "acme")
	fx, repl := seedFilterFixtures(t, s, tenant)
	names := keyNames{}
	for k, id := range fx {
		names[id] = k
	}

	// A decoy tenant with look-alike data: none of it may show up.
	decoy := mustTenant(t, s, "decoy")
	decoyUser := mustCreate(t, s, decoy, &set.User, storage.Resource{Attributes: aliceDoc(fx["bob"])})
	mustCreate(t, s, decoy, &set.User, storage.Resource{Attributes: map[string]any{"userName": "per%cent_x", "active": false}})
	mustCreate(t, s, decoy, &set.Group, storage.Resource{
		Attributes: map[string]any{"displayName": "Admins", "externalId": "G1"},
		Members:    []storage.Member{userMember(decoyUser.ID)},
	})

	for _, tc := range filterCases {
		t.Run(tc.name, func(t *testing.T) {
			rt := &set.User
			if tc.rt == group {
				rt = &set.Group
			}
			src := repl.Replace(tc.filter)
			expr := mustParseFilter(t, src)
			page, err := s.List(t.Context(), tenant, rt, storage.Query{Filter: expr, Count: 1000, StartIndex: 1})
			if tc.wantErr {
				if err == nil {
					t.Fatalf("%s filter %s: got %v, want a FilterError", tc.rt, src, names.names(ids(page.Resources)))
				}
				checkFilterError(t, tc.rt+" filter "+src, err)
				return
			}
			if err != nil {
				t.Fatalf("%s filter %s: %v", tc.rt, src, err)
			}
			got := sortedCopy(names.names(ids(page.Resources)))
			want := sortedCopy(tc.want)
			if !slices.Equal(got, want) {
				t.Errorf("%s filter %s\n got: %v\nwant: %v", tc.rt, src, got, want)
			}
			if page.Total != len(tc.want) {
				t.Errorf("%s filter %s: Total = %d, want %d", tc.rt, src, page.Total, len(tc.want))
			}
		})
	}

	// id is case-exact: the upper-cased ID finds nothing (skipped if the
	// store's IDs have no letters).
	t.Run("id is case-exact", func(t *testing.T) {
		up := strings.ToUpper(fx["alice"])
		if up == fx["alice"] {
			up = strings.ToLower(fx["alice"])
		}
		if up == fx["alice"] {
			t.Skip("IDs have no letters")
		}
		p := listAll(t, s, tenant, &set.User, storage.Query{Filter: mustParseFilter(t, `id eq "`+up+`"`)})
		if len(p.Resources) != 0 {
			t.Errorf(`id eq "%s": got %v, want none`, up, names.names(ids(p.Resources)))
		}
	})

	// The decoy tenant sees only its own data.
	t.Run("decoy tenant", func(t *testing.T) {
		p := listAll(t, s, decoy, &set.User, storage.Query{Filter: mustParseFilter(t, `externalId eq "E1" or userName co "%"`)})
		if len(p.Resources) != 2 || p.Total != 2 {
			t.Errorf("decoy tenant: got %d users (Total %d), want 2", len(p.Resources), p.Total)
		}
		for _, r := range p.Resources {
			if _, ok := names[r.ID]; ok {
				t.Errorf("decoy tenant sees acme's %s", names[r.ID])
			}
		}
	})
}

// seedFilterFixtures creates the filter fixtures and returns their IDs by
// key, and a replacer for the placeholders in filterCases.
func seedFilterFixtures(t *testing.T, s storage.Store, tenant storage.TenantID) (map[string]string, *strings.Replacer) {
	t.Helper()
	set := schemas.Default()
	ids := map[string]string{}
	created := map[string]time.Time{}
	create := func(keys []string) {
		for _, k := range keys {
			doc := filterUserDocs(ids)[k]
			r := mustCreate(t, s, tenant, &set.User, storage.Resource{Attributes: doc})
			ids[k] = r.ID
			created[k] = r.Meta.Created
		}
	}
	// Groups are created right after their members, so that a store that
	// bumps a user's lastModified when its groups change still puts every
	// early user before mid.
	createGroups := func(groups []groupFixture) {
		for _, g := range groups {
			var ms []storage.Member
			for _, k := range g.userMembers {
				ms = append(ms, userMember(ids[k]))
			}
			for _, k := range g.subGroups {
				ms = append(ms, groupMember(ids[k]))
			}
			r := mustCreate(t, s, tenant, &set.Group, storage.Resource{Attributes: cloneDoc(g.doc), Members: ms})
			ids[g.key] = r.ID
		}
	}
	const gap = 50 * time.Millisecond
	create(earlyUsers)
	createGroups(filterGroups[:3])
	time.Sleep(gap)
	mid := time.Now().UTC().Truncate(time.Millisecond)
	time.Sleep(gap)
	create(lateUsers)
	createGroups(filterGroups[3:])
	time.Sleep(gap)
	mustUpdate(t, s, tenant, &set.User, ids["alice"], storage.UpdateOptions{}, setAttrs(func(d map[string]any) {
		d["nickName"] = "Ally"
	}))
	time.Sleep(gap)
	end := time.Now().UTC().Truncate(time.Millisecond)

	// The dateTime cases rely on the store keeping sub-second timestamps.
	for _, k := range earlyUsers {
		if !created[k].Before(mid) {
			t.Fatalf("%s created at %v, not before %v: the store's timestamps are too coarse", k, created[k], mid)
		}
	}
	for _, k := range lateUsers {
		if !created[k].After(mid) {
			t.Fatalf("%s created at %v, not after %v: the store's timestamps are too coarse", k, created[k], mid)
		}
	}

	const layout = "2006-01-02T15:04:05.000Z07:00"
	pairs := []string{
		"{{mid}}", mid.Format(layout),
		"{{mid+02:00}}", mid.In(time.FixedZone("", 2*3600)).Format(layout),
		"{{mid-05:00}}", mid.In(time.FixedZone("", -5*3600)).Format(layout),
		"{{end}}", end.Format(layout),
	}
	for k, id := range ids {
		pairs = append(pairs, "{{"+k+"}}", id)
	}
	if len(ids) != len(allUsers)+len(allGroups) {
		t.Fatalf("test bug: %d fixtures, want %d", len(ids), len(allUsers)+len(allGroups))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("two fixtures share ID %s", id)
		}
		seen[id] = true
	}
	return ids, strings.NewReplacer(pairs...)
}

// checkFilterCases checks that the filter table is consistent: every case
// parses and names known fixtures. It runs without a store.
func checkFilterCases() []string {
	var problems []string
	known := map[string]bool{}
	for _, k := range allUsers {
		known[k] = true
	}
	for _, k := range allGroups {
		known[k] = true
	}
	names := map[string]bool{}
	for _, tc := range filterCases {
		if names[tc.name] {
			problems = append(problems, "duplicate case name "+tc.name)
		}
		names[tc.name] = true
		if _, err := filter.ParseFilter([]byte(tc.filter)); err != nil {
			problems = append(problems, tc.name+": "+err.Error())
		}
		if tc.wantErr && tc.want != nil {
			problems = append(problems, tc.name+": both want and wantErr")
		}
		if !tc.wantErr && tc.want == nil {
			problems = append(problems, tc.name+": want is nil")
		}
		for _, k := range tc.want {
			if !known[k] {
				problems = append(problems, tc.name+": unknown fixture "+k)
			}
		}
	}
	return problems
}
