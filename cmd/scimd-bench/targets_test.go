package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// targetLine matches one line of the targets list: a verdict, then the
// target and its figure.
var targetLine = regexp.MustCompile(`^  (PASS|MISS|n/a )  (.+?)  +(.*)$`)

// verdicts prints r and returns the verdict of each target line, by the
// target's name, and the header of the list.
func verdicts(t *testing.T, r *results) (map[string]string, string) {
	t.Helper()
	var buf bytes.Buffer
	r.print(&buf)
	out, header := map[string]string{}, ""
	for line := range strings.SplitSeq(buf.String(), "\n") {
		if strings.HasPrefix(line, "Targets (") {
			header = line
		}
		if m := targetLine.FindStringSubmatch(line); m != nil {
			out[strings.TrimSpace(m[2])] = m[1] + " " + m[3]
		}
	}
	return out, header
}

// fullRun is a run in which every workload ran.
func fullRun(engine string) *results {
	r := &results{users: 100_000, engine: engine, conc: 16, endRSS: 60 << 20, runPeak: 90 << 20, bigLabel: "group of 10,000"}
	add := func(key string, rate, cpu, db float64) {
		r.rows = append(r.rows, row{key: key, name: key, rate: rate, ratio: rate / 10_000, cpu1k: cpu, dbCPU1k: db, selfCPU1k: -1, peakRSS: 50 << 20})
	}
	add("W1", 4000, 0.140, 0.1)
	add("W2", 3900, 0.190, 0.1)
	add("W3", 3000, 0.250, 0.1)
	add("W4a", 3500, 0.180, 0.1)
	add("W4b", 100, 10, 1)
	add("W12", 500, 1.9, 1)
	add("W6", 1500, 0.4, 0.5)
	add("W7a", 1000, 0.6, 0.9)
	add("W8-10", 400, 1, 1)
	add("W8-big", 400, 1, 1)
	add("W9", 50, 10, 1)
	add("W9x", 3000, 0.3, 0.1)
	add("W10", 350, 4, 2.5)
	add("W11", 800, 1, 1)
	return r
}

func TestTargetsEveryOneListed(t *testing.T) {
	got, header := verdicts(t, fullRun("mysql"))
	if header != "Targets (quick mode, mysql, 16 connections, 100,000 users; a quick run is indicative: the targets are stated for the full mode):" {
		t.Errorf("header %q", header)
	}
	want := map[string]string{
		"W1 scimd CPU, GET by id ≤ 150 µs":                         "PASS 140 µs per request",
		"W2 scimd CPU, filter of one, userName ≤ 200 µs":           "PASS",
		"W3 scimd CPU, filter of one, emails[type] ≤ 200 µs":       "MISS 250 µs per request",
		"W4a scimd CPU, filter of one, employeeNumber ≤ 200 µs":    "PASS",
		"W6 scimd CPU, POST ≤ 500 µs":                              "PASS",
		"W7a scimd CPU, PATCH ≤ 500 µs":                            "MISS",
		"W12 scimd CPU, page of 100 users ≤ 2.00 ms":               "PASS 1.90 ms per request",
		"W1 MariaDB CPU, GET by id ≤ 200 µs":                       "PASS",
		"W7a MariaDB CPU, PATCH replace active ≤ 1.00 ms":          "PASS",
		"W10 MariaDB CPU, DELETE of a user in 50 groups ≤ 3.00 ms": "PASS",
		"W1 ≥ 0.35 × floor":                                        "PASS",
		"W2 ≥ 0.8 × W1":                                            "PASS",
		"W3 ≥ 0.8 × W1":                                            "MISS",
		"W4a ≥ 0.8 × W1":                                           "PASS",
		"W6 ≥ 1,200 creates/s (mysql)":                             "PASS 1,500 creates/s",
		"W7a ≥ 800 PATCHes/s (mysql)":                              "PASS",
		"W10 ≥ 300 deletes/s":                                      "PASS",
		"W5 startIndex: last page ≤ 2 × first page":                "n/a  did not run",
		"W5 cursor walk of 1M users ≤ 30 s":                        "n/a  did not run",
		"W8 add to the biggest group ≤ 1.5 × group of 10":          "n/a  did not run", // p50 of zero
		"W9 with members: peak RSS ≤ 200 MB":                       "PASS",
		"W9 excludedAttributes=members: p50 ≤ 2 ms":                "PASS",
		"W11 sync: zero errors":                                    "PASS",
		"scimd peak RSS ≤ 100 MB at 100,000 users":                 "PASS peak RSS over the run 90 MB",
	}
	for name, v := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("target %q not listed", name)
		} else if !strings.HasPrefix(g, v) {
			t.Errorf("%s: got %q, want %q…", name, g, v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d targets listed, want %d: %v", len(got), len(want), got)
	}
}

// On SQLite the write rates are held to more, and MariaDB's CPU does not
// apply.
func TestTargetsSQLite(t *testing.T) {
	got, header := verdicts(t, fullRun("sqlite"))
	if !strings.HasPrefix(header, "Targets (quick mode, sqlite, 16 connections, 100,000 users;") {
		t.Errorf("header %q", header)
	}
	for name, v := range map[string]string{
		"W6 ≥ 2,000 creates/s (sqlite)":              "MISS 1,500 creates/s",
		"W7a ≥ 1,500 PATCHes/s (sqlite)":             "MISS 1,000 PATCHes/s",
		"W1 MariaDB CPU, GET by id ≤ 200 µs":         "n/a ",
		"W10 ≥ 300 deletes/s":                        "PASS",
		"scimd peak RSS ≤ 100 MB at 100,000 users":   "PASS",
		"W12 scimd CPU, page of 100 users ≤ 2.00 ms": "PASS",
	} {
		if g := got[name]; !strings.HasPrefix(g, v) {
			t.Errorf("%s: got %q, want %q…", name, g, v)
		}
	}
}

// The run's peak RSS is the highest of the workloads' peaks and of what
// came before them, not only the last workload's.
func TestTargetsPeakRSS(t *testing.T) {
	r := fullRun("sqlite")
	r.rows[2].peakRSS = 150 << 20
	got, _ := verdicts(t, r)
	if g := got["scimd peak RSS ≤ 100 MB at 100,000 users"]; !strings.HasPrefix(g, "MISS peak RSS over the run 150 MB") {
		t.Errorf("peak RSS: got %q", g)
	}
	r = fullRun("sqlite")
	r.runPeak = 120 << 20
	got, _ = verdicts(t, r)
	if g := got["scimd peak RSS ≤ 100 MB at 100,000 users"]; !strings.HasPrefix(g, "MISS peak RSS over the run 120 MB") {
		t.Errorf("peak RSS: got %q", g)
	}
}

// A run of some workload groups lists every target, those of the others
// as n/a.
func TestTargetsNotRun(t *testing.T) {
	r := &results{users: 1_000_000, engine: "mysql", full: true, conc: 16}
	got, header := verdicts(t, r)
	if !strings.Contains(header, "full mode, mysql, 16 connections, 1,000,000 users; the targets apply as stated") {
		t.Errorf("header %q", header)
	}
	if len(got) != 24 {
		t.Errorf("%d targets listed, want 24", len(got))
	}
	for name, v := range got {
		if !strings.HasPrefix(v, "n/a ") {
			t.Errorf("%s: %q, want n/a", name, v)
		}
	}
}
