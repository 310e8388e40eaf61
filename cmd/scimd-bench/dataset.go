package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// enterpriseURN is the schema URN of the Enterprise User extension.
const enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// Group tiers of the Zipf size mix, by group index: group 0 is the big
// group, then tierA groups of users/100 members, tierB groups of
// users/1,000, one group of exactly tenSize members, and the rest small.
const (
	tierA       = 10
	tierB       = 100
	tenSize     = 10
	victimWidth = 50 // groups each W10 victim belongs to
	departments = 200
	costCenters = 1000
)

// A dataset is the seeded data of the tenant under test, computed from a
// seed and the sizes alone: every attribute of user i and every member of
// group j is a pure function of (seed, i) or (seed, j), so the workloads
// can name seeded users and their attribute values without reading them
// back.
type dataset struct {
	seed    uint64
	users   int
	groups  int
	victims int // the last victims users are W10's: in victimWidth groups each
}

func newDataset(seed uint64, users, groups, victims int) *dataset {
	victims = min(victims, users/10)
	return &dataset{seed: seed, users: users, groups: groups, victims: victims}
}

// Salts separate the pseudo-random streams of different attributes.
const (
	saltUserID uint64 = iota + 1
	saltGroupID
	saltGiven
	saltFamily
	saltActive
	saltHome
	saltDept
	saltCost
	saltManager
	saltMembers
	saltVictims
)

// mix returns a pseudo-random 64-bit value for (seed, salt, i)
// (SplitMix64 of their combination).
func (d *dataset) mix(salt uint64, i int) uint64 {
	z := d.seed ^ salt*0x9e3779b97f4a7c15 ^ uint64(i)*0xbf58476d1ce4e5b9
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// idEpoch is the time in the seeded IDs: they are UUIDv7, as scimd makes
// them, one millisecond apart in seeding order, so that the seed appends to
// the primary key's B-tree instead of inserting at random places.
var idEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// uuid7 formats a version 7 UUID from a millisecond time and random bits.
func uuid7(ms int64, r uint64) string {
	var b [16]byte
	for k := range 6 {
		b[k] = byte(ms >> (8 * (5 - k)))
	}
	for k := 6; k < 16; k++ {
		b[k] = byte(r >> (8 * (k % 8)))
	}
	b[6] = 0x70 | b[6]&0x0f
	b[8] = 0x80 | b[8]&0x3f
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (d *dataset) userID(i int) string { return uuid7(idEpoch+int64(i), d.mix(saltUserID, i)) }

func (d *dataset) groupID(j int) string {
	return uuid7(idEpoch+int64(d.users)+int64(j), d.mix(saltGroupID, j))
}

var givenNames = []string{"Ada", "Alan", "Barbara", "Claude", "Dennis", "Edsger", "Frances", "Grace",
	"Hedy", "Ivan", "John", "Ken", "Linus", "Margaret", "Niklaus", "Radia", "Rob", "Shafi", "Tim", "Whitfield"}

var familyNames = []string{"Lovelace", "Turing", "Liskov", "Shannon", "Ritchie", "Dijkstra", "Allen", "Hopper",
	"Lamarr", "Sutherland", "Backus", "Thompson", "Torvalds", "Hamilton", "Wirth", "Perlman", "Pike",
	"Goldwasser", "Berners-Lee", "Diffie"}

func (d *dataset) given(i int) string { return givenNames[d.mix(saltGiven, i)%uint64(len(givenNames))] }
func (d *dataset) family(i int) string {
	return familyNames[d.mix(saltFamily, i)%uint64(len(familyNames))]
}

// userName is user i's userName; mixedCaseUserName is the same name as a
// client may send it in a filter (userName is case-insensitive).
func userName(i int) string          { return "u" + strconv.Itoa(i) + "@big.example" }
func mixedCaseUserName(i int) string { return "U" + strconv.Itoa(i) + "@Big.Example" }

func (d *dataset) workEmail(i int) string {
	return fmt.Sprintf("%s.%s.%d@work.example", d.given(i), d.family(i), i)
}

func employeeNumber(i int) string { return fmt.Sprintf("E%07d", i) }
func department(k int) string     { return fmt.Sprintf("Department %03d", k) }

// user returns user i's document as scimd stores it: canonical attribute
// names, the extension under its URN, the manager as {"value": id}. 5 % of
// the users are inactive and 40 % have a home email besides the work one.
func (d *dataset) user(i int) map[string]any {
	given, family := d.given(i), d.family(i)
	emails := []any{map[string]any{"value": d.workEmail(i), "type": "work", "primary": true}}
	if d.mix(saltHome, i)%100 < 40 {
		emails = append(emails, map[string]any{"value": "u" + strconv.Itoa(i) + "@home.example", "type": "home"})
	}
	ent := map[string]any{
		"employeeNumber": employeeNumber(i),
		"department":     department(int(d.mix(saltDept, i) % departments)),
		"costCenter":     fmt.Sprintf("CC-%04d", d.mix(saltCost, i)%costCenters),
	}
	if i > 0 {
		ent["manager"] = map[string]any{"value": d.userID(int(d.mix(saltManager, i) % uint64(i)))}
	}
	return map[string]any{
		"userName":    userName(i),
		"externalId":  fmt.Sprintf("x%08d", i),
		"displayName": given + " " + family,
		"name":        map[string]any{"givenName": given, "familyName": family, "formatted": given + " " + family},
		"active":      d.mix(saltActive, i)%100 >= 5,
		"emails":      emails,
		enterpriseURN: ent,
	}
}

// Group indexes of the size mix.
func (d *dataset) bigGroup() int { return 0 }
func (d *dataset) tenGroup() int { return min(1+tierA+tierB, d.groups-1) }

// groupSize is the number of seeded members of group j, before W10's
// victims join the small groups.
func (d *dataset) groupSize(j int) int {
	switch {
	case j == d.bigGroup():
		return max(tenSize, d.users/10)
	case j == d.tenGroup():
		return tenSize
	case j <= tierA:
		return max(tenSize, d.users/100)
	case j <= tierA+tierB:
		return max(tenSize, d.users/1000)
	}
	// 5 to 100, most of them small: 5 + 95·u³ has a mean of about 29.
	u := float64(d.mix(saltMembers, j)>>11) / (1 << 53)
	return 5 + int(95*u*u*u)
}

// smallGroups returns the first index of the small groups and how many
// there are.
func (d *dataset) smallGroups() (first, n int) {
	first = d.tenGroup() + 1
	return first, max(0, d.groups-first)
}

// The victims are spread evenly over the users (every stride-th one), so
// that every stretch of a walk over all users holds the same mix of users
// with few and with many groups.
func (d *dataset) stride() int { return d.users / max(d.victims, 1) }

// victim returns the user index of W10's k-th victim.
func (d *dataset) victim(k int) int { s := d.stride(); return k*s + s - 1 }

// pickable is the number of users the workloads pick at random: all but
// the victims, whom W10 deletes.
func (d *dataset) pickable() int { return d.users - d.victims }

// nonVictim returns the user index of the j-th user who is not a victim,
// for 0 ≤ j < pickable().
func (d *dataset) nonVictim(j int) int {
	s := d.stride()
	if d.victims == 0 || j >= d.victims*(s-1) {
		return j + d.victims
	}
	return j/(s-1)*s + j%(s-1)
}

// members returns the user indexes of group j's members: groupSize(j)
// distinct users that are not victims, then the victims assigned to j
// (victimGroups).
func (d *dataset) members(j int, victimsOf map[int][]int) []int {
	n := min(d.groupSize(j), d.pickable())
	rng := rand.New(rand.NewPCG(d.seed, d.mix(saltMembers, j)))
	out := make([]int, 0, n+len(victimsOf[j]))
	if n > d.pickable()/2 {
		out = append(out, rng.Perm(d.pickable())[:n]...)
	} else {
		seen := make(map[int]bool, n)
		for len(out) < n {
			if u := rng.IntN(d.pickable()); !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
	}
	for i, u := range out {
		out[i] = d.nonVictim(u)
	}
	return append(out, victimsOf[j]...)
}

// victimGroups assigns each victim to victimWidth distinct small groups
// (fewer when there are fewer small groups) and returns the victims of
// each group.
func (d *dataset) victimGroups() map[int][]int {
	first, n := d.smallGroups()
	width := min(victimWidth, n)
	out := make(map[int][]int)
	for k := range d.victims {
		rng := rand.New(rand.NewPCG(d.seed, d.mix(saltVictims, k)))
		for _, g := range rng.Perm(n)[:width] {
			out[first+g] = append(out[first+g], d.victim(k))
		}
	}
	return out
}

// group returns group j's document (without members).
func group(j int) map[string]any {
	return map[string]any{"displayName": fmt.Sprintf("Group %05d", j), "externalId": fmt.Sprintf("g%05d", j)}
}

// activeByDepartment returns the number of active users of each
// department.
func (d *dataset) activeByDepartment() []int {
	out := make([]int, departments)
	for i := range d.users {
		if d.mix(saltActive, i)%100 >= 5 {
			out[d.mix(saltDept, i)%departments]++
		}
	}
	return out
}
