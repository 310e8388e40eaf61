package scim

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
)

func TestETags(t *testing.T) {
	for _, tc := range []struct {
		header []string
		want   tagList
	}{
		{nil, tagList{}},
		{[]string{"", " , "}, tagList{}},
		{[]string{`W/"3"`}, tagList{present: true, versions: []int64{3}}},
		{[]string{`"12"`}, tagList{present: true, versions: []int64{12}}},
		{[]string{` W/"7" `}, tagList{present: true, versions: []int64{7}}},
		{[]string{`W/"7", W/"1"`}, tagList{present: true, versions: []int64{7, 1}}},
		{[]string{`W/"7"`, `"1",W/"2"`}, tagList{present: true, versions: []int64{7, 1, 2}}},
		{[]string{`*`}, tagList{present: true, any: true}},
		{[]string{`W/"x", "0", W/"", "a,5", 9`}, tagList{present: true, versions: []int64{9}}},
		{[]string{`W/"unterminated, "4"`}, tagList{present: true}},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		for _, v := range tc.header {
			r.Header.Add("If-Match", v)
		}
		if got := tagListOf(r, "If-Match"); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("If-Match %q: %+v, want %+v", tc.header, got, tc.want)
		}
	}
	if etag(5) != `W/"5"` {
		t.Errorf("etag(5) = %s", etag(5))
	}
}
