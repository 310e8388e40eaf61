package scim

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/scimd/scimd/directory"
)

func TestETags(t *testing.T) {
	for _, tc := range []struct {
		header []string
		want   directory.Versions
	}{
		{nil, directory.Versions{}},
		{[]string{"", " , "}, directory.Versions{}},
		{[]string{`W/"3"`}, directory.Versions{Present: true, List: []int64{3}}},
		{[]string{`"12"`}, directory.Versions{Present: true, List: []int64{12}}},
		{[]string{` W/"7" `}, directory.Versions{Present: true, List: []int64{7}}},
		{[]string{`W/"7", W/"1"`}, directory.Versions{Present: true, List: []int64{7, 1}}},
		{[]string{`W/"7"`, `"1",W/"2"`}, directory.Versions{Present: true, List: []int64{7, 1, 2}}},
		{[]string{`*`}, directory.Versions{Present: true, Any: true}},
		{[]string{`W/"x", "0", W/"", "a,5", 9`}, directory.Versions{Present: true, List: []int64{9}}},
		{[]string{`W/"unterminated, "4"`}, directory.Versions{Present: true}},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		for _, v := range tc.header {
			r.Header.Add("If-Match", v)
		}
		if got := versionsOf(r, "If-Match"); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("If-Match %q: %+v, want %+v", tc.header, got, tc.want)
		}
	}
	if etag(5) != `W/"5"` {
		t.Errorf("etag(5) = %s", etag(5))
	}
}
