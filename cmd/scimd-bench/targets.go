package main

import (
	"fmt"
	"time"
)

// The benchmark's targets. They are stated for
// the full mode (1,000,000 users, 16 clients) on either engine; the quick
// mode checks the same limits on 100,000 users, indicatively.
const (
	// scimd's own CPU per request, in milliseconds (cpu-s/1k).
	cpuGetByID   = 0.150 // W1
	cpuFilterOne = 0.200 // W2, W3, W4a: a filtered list of one
	cpuCreate    = 0.500 // W6
	cpuPatch     = 0.500 // W7a
	cpuPage      = 2.0   // W12: a page of 100 users
	// MariaDB's CPU per request, in milliseconds (db cpu-s/1k).
	dbGetByID = 0.2 // W1
	dbPatch   = 1.0 // W7a
	dbDelete  = 3.0 // W10: a user in 50 groups
	// Throughput.
	floorShare   = 0.35 // W1 over the floor
	filterShare  = 0.8  // W2, W3, W4a over W1
	walkPer1M    = 30 * time.Second
	deletesPerS  = 300
	peakRSSLimit = 100 << 20 // scimd's peak RSS over the run
)

// engineRates are the W6 and W7a rates an engine is meant to reach.
type engineRates struct{ creates, patches float64 }

// ratesOf returns the W6 and W7a targets of an engine: SQLite writes in
// scimd's own process, without a network round trip per statement, and
// is held to more.
func ratesOf(engine string) engineRates {
	if engine == "sqlite" {
		return engineRates{creates: 2000, patches: 1500}
	}
	return engineRates{creates: 1200, patches: 800}
}

// A check is one of the benchmark's targets: a figure of the run and
// the limit it is meant to meet.
type check struct {
	name    string
	pass    bool
	missing bool // the workload did not run, or the figure does not apply
	figure  string
}

// notRun is the check of a target whose workload did not run.
func notRun(name string) check { return check{name: name, missing: true, figure: "did not run"} }

// checks returns every target of the run, in the order docs/performance.md gives them: CPU
// per request of scimd, then of MariaDB, then throughput, then memory and
// the older targets that still hold.
func (r *results) checks() []check {
	var out []check
	out = append(out, r.cpuChecks()...)
	out = append(out, r.dbChecks()...)
	out = append(out, r.rateChecks()...)
	out = append(out, r.walkChecks()...)
	out = append(out, r.groupChecks()...)
	return append(out, r.memoryCheck())
}

// cpuChecks are scimd's own CPU per request.
func (r *results) cpuChecks() []check {
	var out []check
	for _, c := range []struct {
		key, what string
		limit     float64
	}{
		{"W1", "GET by id", cpuGetByID},
		{"W2", "filter of one, userName", cpuFilterOne},
		{"W3", "filter of one, emails[type]", cpuFilterOne},
		{"W4a", "filter of one, employeeNumber", cpuFilterOne},
		{"W6", "POST", cpuCreate},
		{"W7a", "PATCH", cpuPatch},
		{"W12", "page of 100 users", cpuPage},
	} {
		name := fmt.Sprintf("%s scimd CPU, %s ≤ %s", c.key, c.what, formatMillis(c.limit))
		x, ok := r.find(c.key)
		switch {
		case !ok:
			out = append(out, notRun(name))
		case x.cpu1k < 0:
			out = append(out, check{name: name, missing: true, figure: "scimd's CPU time unknown"})
		default:
			out = append(out, check{name: name, pass: x.cpu1k <= c.limit, figure: formatMillis(x.cpu1k) + " per request"})
		}
	}
	return out
}

// dbChecks are MariaDB's CPU per request: n/a on SQLite, which runs in
// scimd's process (its CPU is in scimd's), and when mariadbd does not run
// on this machine.
func (r *results) dbChecks() []check {
	var out []check
	for _, c := range []struct {
		key, what string
		limit     float64
	}{
		{"W1", "GET by id", dbGetByID},
		{"W7a", "PATCH replace active", dbPatch},
		{"W10", "DELETE of a user in 50 groups", dbDelete},
	} {
		name := fmt.Sprintf("%s MariaDB CPU, %s ≤ %s", c.key, c.what, formatMillis(c.limit))
		x, ok := r.find(c.key)
		switch {
		case r.engine != "mysql":
			out = append(out, check{name: name, missing: true, figure: "SQLite runs in scimd: its CPU is in scimd's"})
		case !ok:
			out = append(out, notRun(name))
		case x.dbCPU1k < 0:
			out = append(out, check{name: name, missing: true, figure: "mariadbd does not run on this machine"})
		default:
			out = append(out, check{name: name, pass: x.dbCPU1k <= c.limit, figure: formatMillis(x.dbCPU1k) + " per request"})
		}
	}
	return out
}

// rateChecks are the throughput targets: W1 against the floor, the
// filters against W1, and the write and delete rates.
func (r *results) rateChecks() []check {
	var out []check
	name := fmt.Sprintf("W1 ≥ %.2f × floor", floorShare)
	if w1, ok := r.find("W1"); ok {
		out = append(out, check{name: name, pass: w1.ratio >= floorShare,
			figure: fmt.Sprintf("%.2f × floor (%s req/s)", w1.ratio, formatRate(w1.rate))})
	} else {
		out = append(out, notRun(name))
	}
	for _, k := range []string{"W2", "W3", "W4a"} {
		out = append(out, r.ratio(fmt.Sprintf("%s ≥ %.1f × W1", k, filterShare), k, "W1", filterShare))
	}
	rates := ratesOf(r.engine)
	out = append(out,
		r.rate("W6", fmt.Sprintf("W6 ≥ %s creates/s (%s)", formatRate(rates.creates), r.engine), rates.creates, "creates/s"),
		r.rate("W7a", fmt.Sprintf("W7a ≥ %s PATCHes/s (%s)", formatRate(rates.patches), r.engine), rates.patches, "PATCHes/s"),
		r.rate("W10", fmt.Sprintf("W10 ≥ %d deletes/s", deletesPerS), deletesPerS, "deletes/s"))
	return out
}

// ratio checks that workload a reaches limit × workload b's rate.
func (r *results) ratio(name, a, b string, limit float64) check {
	x, okx := r.find(a)
	y, oky := r.find(b)
	if !okx || !oky || y.rate == 0 {
		return notRun(name)
	}
	q := x.rate / y.rate
	return check{name: name, pass: q >= limit,
		figure: fmt.Sprintf("%.2f × (%s req/s vs %s)", q, formatRate(x.rate), formatRate(y.rate))}
}

// rate checks that a workload reaches limit requests per second.
func (r *results) rate(key, name string, limit float64, unit string) check {
	x, ok := r.find(key)
	if !ok {
		return notRun(name)
	}
	return check{name: name, pass: x.rate >= limit, figure: formatRate(x.rate) + " " + unit}
}

// walkChecks are W5's: a startIndex walk as fast at its end as at its
// start, and the cursor walk of a million users.
func (r *results) walkChecks() []check {
	var out []check
	name := "W5 startIndex: last page ≤ 2 × first page"
	if r.walkA.pages > 0 {
		first, last := r.walkA.firstPages(), r.walkA.lastPages()
		out = append(out, check{name: name, pass: last <= 2*first,
			figure: fmt.Sprintf("last %s, first %s (medians of 10 pages): %.2f ×", formatDur(last), formatDur(first), ratioOf(last, first))})
	} else {
		out = append(out, notRun(name))
	}
	name = "W5 cursor walk of 1M users ≤ 30 s"
	if r.walkB.pages == 0 || r.users == 0 {
		return append(out, notRun(name))
	}
	whole := r.walkB.estimate()
	per1M := time.Duration(float64(whole) * 1e6 / float64(r.users))
	how := "took"
	if r.walkB.capped() {
		how = "extrapolated from " + formatCount(r.walkB.pages) + " pages:"
	}
	return append(out, check{name: name, pass: per1M <= walkPer1M,
		figure: fmt.Sprintf("%s users %s %s (%s per 1M)", formatCount(r.users), how, roundDur(whole), roundDur(per1M))})
}

// groupChecks are the targets of the group workloads and of the sync,
// kept from the first round.
func (r *results) groupChecks() []check {
	var out []check
	name := "W8 add to the biggest group ≤ 1.5 × group of 10"
	small, oks := r.find("W8-10")
	big, okb := r.find("W8-big")
	if oks && okb && small.p50 > 0 {
		q := ratioOf(big.p50, small.p50)
		out = append(out, check{name: name, pass: q <= 1.5,
			figure: fmt.Sprintf("%s: p50 %s vs %s: %.2f ×", r.bigLabel, formatDur(big.p50), formatDur(small.p50), q)})
	} else {
		out = append(out, notRun(name))
	}
	name = "W9 with members: peak RSS ≤ 200 MB"
	if w9, ok := r.find("W9"); ok {
		out = append(out, check{name: name, pass: w9.peakRSS > 0 && w9.peakRSS <= 200<<20, figure: "peak RSS " + formatMB(w9.peakRSS)})
	} else {
		out = append(out, notRun(name))
	}
	name = "W9 excludedAttributes=members: p50 ≤ 2 ms"
	if w9x, ok := r.find("W9x"); ok {
		out = append(out, check{name: name, pass: w9x.p50 <= 2*time.Millisecond, figure: "p50 " + formatDur(w9x.p50)})
	} else {
		out = append(out, notRun(name))
	}
	name = "W11 sync: zero errors"
	if w11, ok := r.find("W11"); ok {
		out = append(out, check{name: name, pass: w11.errors == 0, figure: fmt.Sprintf("%d errors", w11.errors)})
	} else {
		out = append(out, notRun(name))
	}
	return out
}

// memoryCheck is scimd's peak RSS over the whole run, the seeded tenant's
// user count stated: the target is stated at 100,000 users (the quick
// mode); the full mode checks the same limit at 1,000,000.
func (r *results) memoryCheck() check {
	name := fmt.Sprintf("scimd peak RSS ≤ %s at %s users", formatMB(peakRSSLimit), formatCount(r.users))
	peak := max(r.runPeak, r.endPeak)
	for _, x := range r.rows {
		peak = max(peak, x.peakRSS)
	}
	if peak <= 0 {
		return check{name: name, missing: true, figure: "scimd's RSS unknown"}
	}
	return check{name: name, pass: peak <= peakRSSLimit,
		figure: fmt.Sprintf("peak RSS over the run %s (VmHWM); %s at the end", formatMB(peak), formatMB(r.endRSS))}
}

// formatMillis writes a CPU time per request given in milliseconds: in µs
// under 1 ms.
func formatMillis(ms float64) string {
	if ms < 1 {
		return fmt.Sprintf("%.0f µs", ms*1000)
	}
	return fmt.Sprintf("%.2f ms", ms)
}
