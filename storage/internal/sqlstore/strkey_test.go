package sqlstore

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestStrKey(t *testing.T) {
	const n = 1024
	k := func(m int) string { return strings.Repeat("k", m) }
	for _, tc := range []struct {
		name, s, want string
	}{
		{name: "short", s: "abc", want: "abc"},
		{name: "exactly n bytes", s: k(n), want: k(n)},
		{name: "ASCII cut at n", s: k(n + 5), want: k(n)},
		{name: "2-byte character ending at n", s: k(n-2) + "é" + "z", want: k(n-2) + "é"},
		{name: "2-byte character across n", s: k(n-1) + "é" + "z", want: k(n-1) + "é"},
		{name: "2-byte character across n at the end", s: k(n-1) + "é", want: k(n-1) + "é"},
		{name: "3-byte character across n (1 byte in)", s: k(n-1) + "€z", want: k(n-1) + "€"},
		{name: "3-byte character across n (2 bytes in)", s: k(n-2) + "€z", want: k(n-2) + "€"},
		{name: "4-byte character across n (1 byte in)", s: k(n-1) + "😀z", want: k(n-1) + "😀"},
		{name: "4-byte character across n (2 bytes in)", s: k(n-2) + "😀z", want: k(n-2) + "😀"},
		{name: "4-byte character across n (3 bytes in)", s: k(n-3) + "😀z", want: k(n-3) + "😀"},
		{name: "4-byte character starting at n+1", s: k(n) + "😀", want: k(n)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strKey(tc.s, n)
			if got != tc.want {
				t.Errorf("strKey: %d bytes ending %q, want %d bytes ending %q", len(got), got[max(0, len(got)-6):], len(tc.want), tc.want[max(0, len(tc.want)-6):])
			}
			if !utf8.ValidString(got) {
				t.Errorf("strKey cut a character")
			}
		})
	}
	if got := strKey(k(2000), 0); got != k(2000) {
		t.Errorf("strKey with n = 0 cut the value to %d bytes", len(got))
	}
	// Byte order is kept: a < b implies key(a) <= key(b).
	var values []string
	for _, tail := range []string{"", "a", "z", "zz", "zzzz", "é", "éa", "€", "€x", "😀", "😀a", "\U0010FFFF"} {
		for m := n - 5; m <= n+1; m++ {
			values = append(values, k(m)+tail)
		}
	}
	for _, a := range values {
		for _, b := range values {
			if a < b && strKey(a, n) > strKey(b, n) {
				t.Errorf("order not kept: …%q < …%q but their keys are not", a[n-6:], b[n-6:])
			}
		}
	}
}
