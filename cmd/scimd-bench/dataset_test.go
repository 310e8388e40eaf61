package main

import (
	"regexp"
	"testing"
)

var uuid7Pattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestDatasetIsDeterministic(t *testing.T) {
	a, b := newDataset(1, 10_000, 200, 50), newDataset(1, 10_000, 200, 50)
	for _, i := range []int{0, 1, 4_999, 9_999} {
		if a.userID(i) != b.userID(i) || a.workEmail(i) != b.workEmail(i) {
			t.Errorf("user %d differs between two datasets of the same seed", i)
		}
	}
	if c := newDataset(2, 10_000, 200, 50); c.userID(7) == a.userID(7) {
		t.Errorf("user 7 has the same ID under seeds 1 and 2")
	}
}

func TestDatasetIDs(t *testing.T) {
	d := newDataset(1, 10_000, 200, 50)
	seen := map[string]bool{}
	prev := ""
	for i := range d.users {
		id := d.userID(i)
		if !uuid7Pattern.MatchString(id) {
			t.Fatalf("userID(%d) = %q, not a version 7 UUID", i, id)
		}
		if seen[id] || id <= prev {
			t.Fatalf("userID(%d) = %q: repeated or not after %q", i, id, prev)
		}
		seen[id], prev = true, id
	}
	for j := range d.groups {
		if id := d.groupID(j); seen[id] || !uuid7Pattern.MatchString(id) {
			t.Fatalf("groupID(%d) = %q: repeated or not a version 7 UUID", j, id)
		}
	}
}

func TestDatasetGroups(t *testing.T) {
	d := newDataset(1, 100_000, 1_000, 500)
	for _, c := range []struct {
		group, size int
	}{
		{group: d.bigGroup(), size: 10_000},
		{group: 1, size: 1_000},
		{group: tierA + 1, size: 100},
		{group: d.tenGroup(), size: tenSize},
	} {
		if got := d.groupSize(c.group); got != c.size {
			t.Errorf("groupSize(%d) = %d, want %d", c.group, got, c.size)
		}
	}
	victimsOf := d.victimGroups()
	isVictim := map[int]bool{}
	for k := range d.victims {
		isVictim[d.victim(k)] = true
	}
	if len(isVictim) != d.victims {
		t.Fatalf("%d distinct victims, want %d", len(isVictim), d.victims)
	}
	picked := map[int]bool{}
	for j := range d.pickable() {
		u := d.nonVictim(j)
		if isVictim[u] || picked[u] || u < 0 || u >= d.users {
			t.Fatalf("nonVictim(%d) = %d: a victim, repeated or out of range", j, u)
		}
		picked[u] = true
	}
	in := map[int]int{} // groups of each victim
	for j := range d.groups {
		members := d.members(j, victimsOf)
		seen := map[int]bool{}
		for _, u := range members {
			if seen[u] || u < 0 || u >= d.users {
				t.Fatalf("group %d: member %d repeated or out of range", j, u)
			}
			seen[u] = true
			if isVictim[u] {
				in[u]++
			}
		}
		if j == d.tenGroup() && len(members) != tenSize {
			t.Errorf("the group of ten has %d members", len(members))
		}
	}
	if len(in) != d.victims {
		t.Fatalf("%d victims are in groups, want %d", len(in), d.victims)
	}
	for u, n := range in {
		if n != victimWidth {
			t.Fatalf("victim %d is in %d groups, want %d", u, n, victimWidth)
		}
	}
}

func TestFormatCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567"} {
		if got := formatCount(n); got != want {
			t.Errorf("formatCount(%d) = %q, want %q", n, got, want)
		}
	}
}
