package patch

import (
	"fmt"
	"strings"
	"testing"

	"github.com/scimd/scimd/storage"
)

func BenchmarkApplyUser(b *testing.B) {
	rt := userType()
	doc := decodeDoc(b, userDoc)
	ops := mustOps(b, `[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"n@x.org"},
		{"op":"replace","value":{"displayName":"D","name.givenName":"G","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"7"}},
		{"op":"Replace","path":"active","value":"False"}]`)
	for b.Loop() {
		if _, err := Apply(rt, doc, ops, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyMembers replaces a 10,000-member list, removes half of it
// by value, and diffs against a loaded list of the same size: member
// changes must stay linear.
func BenchmarkApplyMembers(b *testing.B) {
	const n = 10000
	var list, removes []string
	loaded := make([]storage.Member, 0, n)
	for i := range n {
		list = append(list, fmt.Sprintf(`{"value":"u%d"}`, i))
		loaded = append(loaded, storage.Member{Value: fmt.Sprintf("u%d", i), Type: "User"})
		if i%2 == 0 {
			removes = append(removes, fmt.Sprintf(`{"value":"u%d"}`, i))
		}
	}
	ops := mustOps(b, `[{"op":"replace","path":"members","value":[`+strings.Join(list, ",")+`]},
		{"op":"remove","path":"members","value":[`+strings.Join(removes, ",")+`]}]`)
	rt := groupType()
	doc := decodeDoc(b, groupDoc)
	for b.Loop() {
		res, err := Apply(rt, doc, ops, Options{Members: loaded})
		if err != nil || len(res.Edit.RemoveMembers) != n/2 {
			b.Fatal(err, len(res.Edit.RemoveMembers))
		}
	}
}
