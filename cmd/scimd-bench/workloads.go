package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync/atomic"
	"time"
)

// A bench runs the workloads against one running scimd and collects rows.
type bench struct {
	cfg   config
	d     *dataset
	srv   *server
	c     *client // the seeded tenant's
	sync  *client // W11's empty tenant's
	dbPID int     // mariadbd, when it runs here; 0 otherwise
	floor float64 // the floor's rate
	log   io.Writer
	res   *results
}

// seedFor returns the PRNG seed of a workload phase, so that every
// workload and its warm-up pick their own keys, the same in every run.
func (b *bench) seedFor(name, phase string) uint64 {
	h := fnv.New64a()
	_, _ = io.WriteString(h, name+"/"+phase)
	return b.cfg.seed ^ h.Sum64()
}

// timed runs a workload with the scimd CPU and peak RSS measured around it
// and appends its row.
func (b *bench) timed(key, name string, conc int, fn func() stats) (row, stats) {
	_, _ = fmt.Fprintf(b.log, "bench: %s\n", name)
	pid := b.srv.pid()
	cpu0, cpuErr := cpuSeconds(pid)
	db0, dbErr := cpuSeconds(b.dbPID)
	self0, selfErr := cpuSeconds(os.Getpid())
	if _, peak, err := memory(pid); err == nil {
		b.res.runPeak = max(b.res.runPeak, peak) // what came before this workload
	}
	peakErr := resetPeak(pid)
	st := fn()
	cpu1, cpuErr1 := cpuSeconds(pid)
	db1, dbErr1 := cpuSeconds(b.dbPID)
	self1, selfErr1 := cpuSeconds(os.Getpid())
	_, peak, memErr := memory(pid)
	r := row{key: key, name: name, conc: conc, ops: st.ops, rate: st.rate(), p50: st.percentile(0.50), p99: st.percentile(0.99),
		errors: st.errors, firstErr: st.firstErr, cpu1k: -1, dbCPU1k: -1, selfCPU1k: -1}
	if b.floor > 0 {
		r.ratio = r.rate / b.floor
	}
	if st.sent > 0 && cpuErr == nil && cpuErr1 == nil {
		r.cpu1k = (cpu1 - cpu0) / float64(st.sent) * 1000
	}
	if st.sent > 0 && b.dbPID != 0 && dbErr == nil && dbErr1 == nil {
		r.dbCPU1k = (db1 - db0) / float64(st.sent) * 1000
	}
	if st.sent > 0 && selfErr == nil && selfErr1 == nil {
		r.selfCPU1k = (self1 - self0) / float64(st.sent) * 1000
	}
	if memErr == nil && peakErr == nil {
		r.peakRSS = peak
	}
	b.res.rows = append(b.res.rows, r)
	return r, st
}

// closed runs op closed-loop on conc workers: a warm-up whose timings are
// dropped (its errors count), then the measured run.
func (b *bench) closed(ctx context.Context, key, name string, conc int, warm bool, o op) row {
	var warmErrs int
	var warmErr error
	if warm && b.cfg.warmup > 0 {
		ws := loop{conc: conc, duration: b.cfg.warmup, seed: b.seedFor(name, "warm-up"), client: b.c}.run(ctx, o)
		warmErrs, warmErr = ws.errors, ws.firstErr
	}
	r, _ := b.timed(key, name, conc, func() stats {
		st := loop{conc: conc, duration: b.cfg.duration, seed: b.seedFor(name, "run"), client: b.c}.run(ctx, o)
		st.errors += warmErrs
		if st.firstErr == nil {
			st.firstErr = warmErr
		}
		return st
	})
	return r
}

// pick returns a random seeded user that W10 does not delete.
func (b *bench) pick(w *worker) int { return b.d.nonVictim(w.rng.IntN(b.d.pickable())) }

// filterOp GETs a list with a filter made by f and checks the number of
// results: exactly want, or at least one when want is negative.
func (b *bench) filterOp(resource string, f func(w *worker) (filter string, want int)) op {
	return func(ctx context.Context, w *worker) (time.Duration, error) {
		filter, want := f(w)
		path := "/" + resource + "?filter=" + url.QueryEscape(filter)
		lat, err := w.do(ctx, http.MethodGet, path, nil, http.StatusOK)
		if err != nil {
			return lat, err
		}
		var p struct {
			TotalResults int `json:"totalResults"`
		}
		if err := json.Unmarshal(w.buf.Bytes(), &p); err != nil {
			return lat, fmt.Errorf("GET %s: %w", path, err)
		}
		if (want >= 0 && p.TotalResults != want) || (want < 0 && p.TotalResults == 0) {
			return lat, fmt.Errorf("GET %s: %d results, want %d", path, p.TotalResults, want)
		}
		return lat, nil
	}
}

// reads runs W1 to W4: lookups of one user by id or by an equality filter.
func (b *bench) reads(ctx context.Context) {
	c, d := b.cfg.conc, b.d
	b.closed(ctx, "W1", "W1 GET /Users/{id}", c, true, func(ctx context.Context, w *worker) (time.Duration, error) {
		return w.do(ctx, http.MethodGet, "/Users/"+d.userID(b.pick(w)), nil, http.StatusOK)
	})
	b.closed(ctx, "W2", "W2 userName eq (mixed case)", c, true, b.filterOp("Users", func(w *worker) (string, int) {
		return `userName eq "` + mixedCaseUserName(b.pick(w)) + `"`, 1
	}))
	b.closed(ctx, "W3", `W3 emails[type eq "work"].value eq`, c, true, b.filterOp("Users", func(w *worker) (string, int) {
		return `emails[type eq "work"].value eq "` + d.workEmail(b.pick(w)) + `"`, 1
	}))
	b.closed(ctx, "W4a", "W4a enterprise employeeNumber eq", c, true, b.filterOp("Users", func(w *worker) (string, int) {
		return enterpriseURN + `:employeeNumber eq "` + employeeNumber(b.pick(w)) + `"`, 1
	}))
	active := d.activeByDepartment()
	b.closed(ctx, "W4b", "W4b department eq and active eq true", c, true, b.filterOp("Users", func(w *worker) (string, int) {
		k := w.rng.IntN(departments)
		return enterpriseURN + `:department eq "` + department(k) + `" and active eq true`, active[k]
	}))
}

// walks runs the list pages: W12, pages of 100 users on 16 clients, then
// W5, every user by startIndex pages, then by cursor pages.
func (b *bench) walks(ctx context.Context) {
	b.page(ctx)
	b.res.users = b.d.users
	for _, cursor := range []bool{false, true} {
		key, name := "W5a", "W5a walk all users, startIndex"
		if cursor {
			key, name = "W5b", "W5b walk all users, cursor"
		}
		var wr walkResult
		b.timed(key, name, 1, func() stats {
			wr = walk(ctx, b.c, cursor, b.d.users, walkLimit{pages: b.cfg.walkPages, budget: b.cfg.walkBudget})
			return wr.stats
		})
		note := fmt.Sprintf("%d pages of %d in %s", wr.pages, walkPage, roundDur(wr.total))
		if wr.capped() {
			note = fmt.Sprintf("capped: %d of %d pages in %s, whole walk ≈ %s", wr.pages, wr.allPages,
				roundDur(wr.total), roundDur(wr.estimate()))
		}
		b.res.rows[len(b.res.rows)-1].note = note + fmt.Sprintf("; first pages %s, last pages %s",
			formatDur(wr.firstPages()), formatDur(wr.lastPages()))
		if cursor {
			b.res.walkB = wr
		} else {
			b.res.walkA = wr
		}
	}
}

// writes runs W6 and W7: creates and patches of users.
func (b *bench) writes(ctx context.Context) {
	c, d := b.cfg.conc, b.d
	nonce := fmt.Sprintf("%x", time.Now().UnixNano())
	var created atomic.Int64 // numbers the new users across warm-up and run
	b.closed(ctx, "W6", "W6 POST /Users", c, true, func(ctx context.Context, w *worker) (time.Duration, error) {
		n := created.Add(1)
		name := fmt.Sprintf("w6-%s-%d@new.example", nonce, n)
		body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","%[1]s"],`+
			`"userName":%[2]q,"externalId":%[2]q,"active":true,"displayName":"New User",`+
			`"name":{"givenName":"New","familyName":"User"},`+
			`"emails":[{"value":%[2]q,"type":"work","primary":true}],`+
			`"%[1]s":{"employeeNumber":"N%[3]d","department":%[4]q}}`,
			enterpriseURN, name, n, department(int(n%departments)))
		return w.do(ctx, http.MethodPost, "/Users", []byte(body), http.StatusCreated)
	})
	b.closed(ctx, "W7a", "W7a PATCH replace active", c, true, func(ctx context.Context, w *worker) (time.Duration, error) {
		body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],`+
			`"Operations":[{"op":"Replace","path":"active","value":%t}]}`, w.rng.IntN(2) == 0)
		return w.do(ctx, http.MethodPatch, "/Users/"+d.userID(b.pick(w)), []byte(body), http.StatusNoContent)
	})
	b.closed(ctx, "W7b", "W7b PATCH Entra path-less multi-key", c, true, func(ctx context.Context, w *worker) (time.Duration, error) {
		i := b.pick(w)
		body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],`+
			`"Operations":[{"op":"Replace","value":{"displayName":"Renamed %[1]d","name.givenName":"Renamed",`+
			`"%[2]s:department":%[3]q}}]}`, w.rng.IntN(1000), enterpriseURN, department(w.rng.IntN(departments)))
		return w.do(ctx, http.MethodPatch, "/Users/"+d.userID(i), []byte(body), http.StatusNoContent)
	})
}

// groupSizes returns the W8 groups to add to, smallest first: the group of
// ten, a group of users/100 members (full mode), and the big group.
func (b *bench) groupSizes() []int {
	out := []int{b.d.tenGroup()}
	if b.d.groupSize(1) != b.d.groupSize(b.d.bigGroup()) && b.d.groupSize(1) >= 10_000 {
		out = append(out, 1)
	}
	return append(out, b.d.bigGroup())
}

// members runs W8 and W9: one-member adds to groups of every size, a
// 1,000-member add, and reads of the big group.
func (b *bench) members(ctx context.Context) {
	d := b.d
	b.res.bigLabel = "group of " + formatCount(d.groupSize(d.bigGroup()))
	for _, g := range b.groupSizes() {
		key := "W8-mid"
		switch g {
		case d.tenGroup():
			key = "W8-10"
		case d.bigGroup():
			key = "W8-big"
		}
		label := "W8 PATCH add 1 member, group of " + formatCount(d.groupSize(g))
		if g == d.bigGroup() && !b.cfg.full {
			label += " (the big group)"
		}
		gid := d.groupID(g)
		b.closed(ctx, key, label, 1, true, func(ctx context.Context, w *worker) (time.Duration, error) {
			uid := d.userID(b.pick(w))
			lat, err := w.do(ctx, http.MethodPatch, "/Groups/"+gid, patchMembers("Add", uid), http.StatusNoContent)
			if err != nil {
				return lat, err
			}
			// Remove it again, unmeasured, so that the group keeps its size.
			remove := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],`+
				`"Operations":[{"op":"Remove","path":"members[value eq \"%s\"]"}]}`, uid)
			_, err = w.do(ctx, http.MethodPatch, "/Groups/"+gid, []byte(remove), http.StatusNoContent)
			return lat, err
		})
		b.res.rows[len(b.res.rows)-1].note = "each add is followed by an unmeasured remove"
	}
	r := b.closed(ctx, "W8-1000", "W8 PATCH add 1,000 members in one", 1, true, func(ctx context.Context, w *worker) (time.Duration, error) {
		ids := make([]string, 1000)
		for k := range ids {
			ids[k] = d.userID(b.pick(w))
		}
		w.seq++
		g := min(1+tierA+w.seq%tierB, d.groups-1) // a group of users/1,000 members
		return w.do(ctx, http.MethodPatch, "/Groups/"+d.groupID(g), patchMembers("Add", ids...), http.StatusNoContent)
	})
	b.res.rows[len(b.res.rows)-1].note = formatRate(r.rate*1000) + " members/s"

	big := "/Groups/" + d.groupID(d.bigGroup())
	b.closed(ctx, "W9", "W9 GET the big group with members", 1, true, func(ctx context.Context, w *worker) (time.Duration, error) {
		return w.do(ctx, http.MethodGet, big, nil, http.StatusOK)
	})
	b.res.rows[len(b.res.rows)-1].note = fmt.Sprintf("%s members", formatCount(d.groupSize(d.bigGroup())))
	b.closed(ctx, "W9x", "W9 GET the big group, excludedAttributes=members", b.cfg.conc, true,
		func(ctx context.Context, w *worker) (time.Duration, error) {
			lat, err := w.do(ctx, http.MethodGet, big+"?excludedAttributes=members", nil, http.StatusOK)
			if err == nil && bytes.Contains(w.buf.Bytes(), []byte(`"members"`)) {
				err = fmt.Errorf("GET %s?excludedAttributes=members: the response has members", big)
			}
			return lat, err
		})
}

// patchMembers is a PATCH body that adds or removes members by id.
func patchMembers(op string, ids ...string) []byte {
	value := make([]map[string]string, len(ids))
	for k, id := range ids {
		value[k] = map[string]string{"value": id}
	}
	body, _ := json.Marshal(map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []any{map[string]any{"op": op, "path": "members", "value": value}},
	})
	return body
}

// deletes runs W10: DELETE of users who are members of victimWidth groups
// each, until the victims run out or the duration is over.
func (b *bench) deletes(ctx context.Context) {
	var next atomic.Int64
	b.closed(ctx, "W10", fmt.Sprintf("W10 DELETE a user in %d groups", victimWidth), b.cfg.conc, false,
		func(ctx context.Context, w *worker) (time.Duration, error) {
			k := int(next.Add(1)) - 1
			if k >= b.d.victims {
				return 0, errDone
			}
			return w.do(ctx, http.MethodDelete, "/Users/"+b.d.userID(b.d.victim(k)), nil, http.StatusNoContent)
		})
	b.res.rows[len(b.res.rows)-1].note = fmt.Sprintf("%d victims seeded", b.d.victims)
}

// entra runs W11 into the empty tenant.
func (b *bench) entra(ctx context.Context) {
	var sr syncResult
	name := fmt.Sprintf("W11 Entra sync %s users, %s groups", formatCount(b.cfg.syncUsers), formatCount(b.cfg.syncGroups))
	b.timed("W11", name, b.cfg.conc, func() stats {
		sr = entraSync(ctx, b.sync, b.cfg.syncUsers, b.cfg.syncGroups, b.cfg.conc, b.seedFor("W11", "run"))
		return sr.stats
	})
	b.res.rows[len(b.res.rows)-1].note = fmt.Sprintf("total %s; %s memberships in PATCHes of %d",
		roundDur(sr.stats.elapsed), formatCount(sr.memberships), memberBatch)
}

// adminPages is how many of the first pages W12 picks from.
const adminPages = 10

// page runs W12: the page of 100 users an administrator's list shows,
// GET /Users?startIndex=…&count=100 with the page picked at random among
// the first adminPages, as a console's list opens on its first page and
// pages on from there. Each page must hold 100 users.
func (b *bench) page(ctx context.Context) {
	pages := min(adminPages, b.d.users/walkPage)
	b.closed(ctx, "W12", "W12 GET /Users?count=100 (page of 100)", b.cfg.conc, true, func(ctx context.Context, w *worker) (time.Duration, error) {
		path := fmt.Sprintf("/Users?startIndex=%d&count=%d", 1+w.rng.IntN(pages)*walkPage, walkPage)
		lat, err := w.do(ctx, http.MethodGet, path, nil, http.StatusOK)
		if err != nil {
			return lat, err
		}
		var p listPage
		if err := json.Unmarshal(w.buf.Bytes(), &p); err != nil {
			return lat, fmt.Errorf("GET %s: %w", path, err)
		}
		if len(p.Resources) != walkPage {
			return lat, fmt.Errorf("GET %s: %d users, want %d", path, len(p.Resources), walkPage)
		}
		return lat, nil
	})
	b.res.rows[len(b.res.rows)-1].note = fmt.Sprintf("startIndex of one of the first %d pages", pages)
}
