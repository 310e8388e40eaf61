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
	users    int        // users seeded in the tenant under test
	engine   string     // "mysql" or "sqlite"
	full     bool       // the full mode
	conc     int        // clients of the concurrent workloads
	endRSS   int64      // scimd's RSS after the last workload
	endPeak  int64      // scimd's peak RSS since the last workload started
	runPeak  int64      // scimd's peak RSS over the run before the last workload
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
func (r *results) print(w io.Writer) {
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
	scope := "a quick run is indicative: the targets are stated for the full mode"
	if r.full {
		scope = "the targets apply as stated"
	}
	_, _ = fmt.Fprintf(w, "Targets (%s mode, %s, %d connections, %s users; %s):\n",
		modeName(r.full), r.engine, r.conc, formatCount(r.users), scope)
	for _, c := range r.checks() {
		verdict := "MISS"
		if c.pass {
			verdict = "PASS"
		}
		if c.missing {
			verdict = "n/a "
		}
		_, _ = fmt.Fprintf(w, "  %s  %-58s %s\n", verdict, c.name, c.figure)
	}
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
