package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// A row is one line of the results table.
type row struct {
	key       string // W1, W4b, ...: how target checks find it
	name      string
	conc      int
	ops       int
	rate      float64 // operations per second
	ratio     float64 // rate / the floor's rate
	p50, p99  time.Duration
	errors    int
	cpu1k     float64 // scimd CPU-seconds per 1,000 HTTP requests; <0 unknown
	dbCPU1k   float64 // mariadbd CPU-seconds per 1,000 HTTP requests; <0 not measured
	selfCPU1k float64 // the load generator's (this process's) CPU-seconds per 1,000 requests
	peakRSS   int64   // scimd's peak RSS during the workload; <=0 unknown
	note      string
	firstErr  error
}

// A results is a finished run: its rows and the figures the target checks
// read.
type results struct {
	header   []string
	rows     []row
	walkA    walkResult // W5 startIndex walk
	walkB    walkResult // W5 cursor walk
	users    int        // users in the tenant during W5
	endRSS   int64      // scimd's RSS after the last workload
	endPeak  int64      // scimd's peak RSS over the whole run (since the last reset)
	bigLabel string     // the size of the biggest group, e.g. "100,000"
}

func (r *results) find(key string) (row, bool) {
	for _, x := range r.rows {
		if x.key == key {
			return x, true
		}
	}
	return row{}, false
}

func (r *results) errors() int {
	n := 0
	for _, x := range r.rows {
		n += x.errors
	}
	return n
}

// print writes the header, the table, the first error of each workload
// that had errors, and the target checks.
func (r *results) print(w io.Writer, full bool, backend string) {
	_, _ = fmt.Fprintln(w)
	for _, h := range r.header {
		_, _ = fmt.Fprintln(w, h)
	}
	_, _ = fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	_, _ = fmt.Fprintln(tw, "workload\tconc\trequests\treq/s\t×floor\tp50\tp99\terrors\tcpu-s/1k\tdb cpu-s/1k\tclient cpu-s/1k\tpeak RSS\t\tnotes")
	for _, x := range r.rows {
		_, _ = fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%.3f\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t\t%s\n",
			x.name, x.conc, x.ops, formatRate(x.rate), x.ratio, formatDur(x.p50), formatDur(x.p99), x.errors,
			formatCPU(x.cpu1k), formatCPU(x.dbCPU1k), formatCPU(x.selfCPU1k), formatMB(x.peakRSS), x.note)
	}
	_ = tw.Flush()
	_, _ = fmt.Fprintf(w, "\nscimd at the end: RSS %s, peak RSS since the last workload started %s\n", formatMB(r.endRSS), formatMB(r.endPeak))
	for _, x := range r.rows {
		if x.firstErr != nil {
			_, _ = fmt.Fprintf(w, "first error of %s: %v\n", x.name, x.firstErr)
		}
	}
	_, _ = fmt.Fprintln(w)
	scope := "this is the full mode on MySQL: the targets apply as stated"
	if !full || backend != "mysql" {
		scope = "the targets are stated for the full mode on MySQL; this run is indicative only"
	}
	_, _ = fmt.Fprintf(w, "Targets (full mode, MySQL, 16 connections; %s):\n", scope)
	for _, c := range r.checks() {
		verdict := "MISS"
		if c.pass {
			verdict = "PASS"
		}
		if c.missing {
			verdict = "n/a "
		}
		_, _ = fmt.Fprintf(w, "  %s  %-50s %s\n", verdict, c.name, c.figure)
	}
}

// A check is one of the benchmark's targets: a figure of the run and
// the limit it is meant to meet.
type check struct {
	name    string
	pass    bool
	missing bool // the workload did not run
	figure  string
}

func (r *results) checks() []check {
	var out []check
	ratio := func(name, a, b string, limit float64) {
		x, okx := r.find(a)
		y, oky := r.find(b)
		if !okx || !oky || y.rate == 0 {
			out = append(out, check{name: name, missing: true})
			return
		}
		q := x.rate / y.rate
		out = append(out, check{name: name, pass: q >= limit,
			figure: fmt.Sprintf("%.2f × (%s req/s vs %s)", q, formatRate(x.rate), formatRate(y.rate))})
	}
	if w1, ok := r.find("W1"); ok {
		out = append(out, check{name: "W1 ≥ 0.35 × floor", pass: w1.ratio >= 0.35, figure: fmt.Sprintf("%.2f × floor", w1.ratio)})
	}
	for _, k := range []string{"W2", "W3", "W4a", "W4b"} {
		ratio(k+" ≥ 0.8 × W1", k, "W1", 0.8)
	}
	if r.walkA.pages > 0 {
		first, last := r.walkA.firstPages(), r.walkA.lastPages()
		out = append(out, check{name: "W5 startIndex: last page ≤ 2 × first page", pass: last <= 2*first,
			figure: fmt.Sprintf("last %s, first %s (medians of 10 pages): %.2f ×", formatDur(last), formatDur(first), ratioOf(last, first))})
	}
	if r.walkB.pages > 0 && r.users > 0 {
		whole := r.walkB.estimate()
		per1M := time.Duration(float64(whole) * 1e6 / float64(r.users))
		how := "took"
		if r.walkB.capped() {
			how = "extrapolated from " + formatCount(r.walkB.pages) + " pages:"
		}
		out = append(out, check{name: "W5 cursor walk of 1M users ≤ 30 s", pass: per1M <= 30*time.Second,
			figure: fmt.Sprintf("%s users %s %s (%s per 1M)", formatCount(r.users), how, roundDur(whole), roundDur(per1M))})
	}
	if small, ok := r.find("W8-10"); ok {
		if big, ok := r.find("W8-big"); ok && small.p50 > 0 {
			q := ratioOf(big.p50, small.p50)
			out = append(out, check{name: "W8 add to " + r.bigLabel + " ≤ 1.5 × group of 10", pass: q <= 1.5,
				figure: fmt.Sprintf("p50 %s vs %s: %.2f ×", formatDur(big.p50), formatDur(small.p50), q)})
		}
	}
	if w9, ok := r.find("W9"); ok {
		out = append(out, check{name: "W9 with members: peak RSS ≤ 200 MB", pass: w9.peakRSS > 0 && w9.peakRSS <= 200<<20,
			figure: "peak RSS " + formatMB(w9.peakRSS)})
	}
	if w9x, ok := r.find("W9x"); ok {
		out = append(out, check{name: "W9 excludedAttributes=members: p50 ≤ 2 ms", pass: w9x.p50 <= 2*time.Millisecond,
			figure: "p50 " + formatDur(w9x.p50)})
	}
	if w6, ok := r.find("W6"); ok {
		out = append(out, check{name: "W6 ≥ 1,000 creates/s", pass: w6.rate >= 1000, figure: formatRate(w6.rate) + " creates/s"})
	}
	if w11, ok := r.find("W11"); ok {
		out = append(out, check{name: "W11 sync: zero errors", pass: w11.errors == 0, figure: fmt.Sprintf("%d errors", w11.errors)})
	}
	out = append(out, check{name: "scimd RSS ≤ 300 MB at the end", pass: r.endRSS > 0 && r.endRSS <= 300<<20,
		figure: "RSS " + formatMB(r.endRSS)})
	return out
}

// roundDur rounds a duration for reading: to 10 ms under a minute, to
// seconds above.
func roundDur(d time.Duration) time.Duration {
	if d < time.Minute {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Second)
}

func ratioOf(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func formatDur(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func formatRate(r float64) string {
	if r >= 100 {
		return formatCount(int(r + 0.5))
	}
	return fmt.Sprintf("%.1f", r)
}

// formatCount writes n with thousands separators.
func formatCount(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func formatCPU(c float64) string {
	if c < 0 {
		return "-"
	}
	return fmt.Sprintf("%.3f", c)
}

func formatMB(b int64) string {
	if b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f MB", float64(b)/(1<<20))
}
