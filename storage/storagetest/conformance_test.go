package storagetest

import "testing"

// TestFilterTable checks the filter table itself: every filter parses, case
// names are unique and expectations name known fixtures.
func TestFilterTable(t *testing.T) {
	for _, p := range checkFilterCases() {
		t.Error(p)
	}
	if n := len(filterCases); n < 90 {
		t.Errorf("%d filter cases, want at least 90", n)
	}
	t.Logf("%d filter cases", len(filterCases))
}
