package sqlstore

import (
	"strings"
	"testing"

	"golang.org/x/text/cases"
)

// TestFoldASCII checks fold's ASCII fast path against Unicode case folding.
func TestFoldASCII(t *testing.T) {
	var all strings.Builder
	for c := range 128 {
		all.WriteByte(byte(c))
	}
	for _, s := range []string{"", all.String(), "UserName@Example.COM", "already lower", "Straße", "ÅSE", "mixed Ä and A"} {
		if got, want := fold(s), cases.Fold().String(s); got != want {
			t.Errorf("fold(%q) = %q, want %q", s, got, want)
		}
	}
}
