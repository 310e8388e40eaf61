package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// config is the benchmark's configuration, from flags over the defaults of
// its mode.
type config struct {
	full        bool
	db          string
	users       int
	groups      int
	victims     int
	conc        int
	duration    time.Duration
	warmup      time.Duration
	syncUsers   int
	syncGroups  int
	walkPages   int
	walkBudget  time.Duration
	seed        uint64
	seedWorkers int
	analyze     string // "auto", "yes" or "no": refresh the planner's statistics after seeding
	keep        bool
	seedOnly    bool
	scimd       string
	serveArgs   []string
	only        []string // workload groups to run; empty: all
}

// modeDefaults fills what the flags left at zero with the defaults of the
// full or the quick mode.
func (c *config) modeDefaults() {
	def := func(v *int, full, quick int) {
		if *v == 0 {
			*v = quick
			if c.full {
				*v = full
			}
		}
	}
	defDur := func(v *time.Duration, full, quick time.Duration) {
		if *v == 0 {
			*v = quick
			if c.full {
				*v = full
			}
		}
	}
	def(&c.users, 1_000_000, 100_000)
	def(&c.groups, 10_000, 1_000)
	def(&c.victims, 2_000, 500)
	def(&c.syncUsers, 20_000, 2_000)
	def(&c.syncGroups, 200, 20)
	defDur(&c.duration, 10*time.Second, 3*time.Second)
	defDur(&c.warmup, 2*time.Second, 500*time.Millisecond)
	if c.walkBudget < 0 {
		c.walkBudget = 25 * time.Second
		if c.full {
			c.walkBudget = 5 * time.Minute
		}
	}
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	c := config{full: true}
	fs := flag.NewFlagSet("scimd-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mode := func(full bool) func(string) error {
		return func(v string) error {
			if v != "true" {
				return errors.New("takes no value")
			}
			c.full = full
			return nil
		}
	}
	fs.BoolFunc("quick", "quick mode: 100,000 users, 1,000 groups (the big one of 10,000), 3 s per workload", mode(false))
	fs.BoolFunc("full", "full mode, the default: 1,000,000 users, 10,000 groups (the big one of 100,000), 10 s per workload; the last of --quick and --full wins", mode(true))
	fs.StringVar(&c.db, "db", "auto", "`database`: auto (MySQL on 127.0.0.1:3306 if it answers, else SQLite in a temporary directory), sqlite:PATH (a new file), or mysql://USER:PASSWORD@HOST:PORT/[DBNAME] (without DBNAME: a fresh database, dropped at the end)")
	fs.IntVar(&c.users, "users", 0, "seeded users (default by mode)")
	fs.IntVar(&c.groups, "groups", 0, "seeded groups (default by mode)")
	fs.IntVar(&c.victims, "victims", 0, "users that W10 deletes, each in 50 groups (default by mode)")
	fs.IntVar(&c.conc, "concurrency", 16, "closed-loop clients of the concurrent workloads and of the floor")
	fs.DurationVar(&c.duration, "duration", 0, "measured time of each timed workload (default by mode)")
	fs.DurationVar(&c.warmup, "warmup", 0, "untimed warm-up before each timed workload (default by mode)")
	fs.IntVar(&c.syncUsers, "sync-users", 0, "users of W11's Entra-style sync (default by mode)")
	fs.IntVar(&c.syncGroups, "sync-groups", 0, "groups of W11's Entra-style sync (default by mode)")
	fs.IntVar(&c.walkPages, "walk-pages", 0, "read at most this many pages in each W5 walk and extrapolate the walk's time (0: no limit)")
	fs.DurationVar(&c.walkBudget, "walk-budget", -1, "stop each W5 walk after about this time and extrapolate (0: no limit; default 25s quick, 5m full)")
	fs.Uint64Var(&c.seed, "seed", 1, "PRNG seed of the dataset and the workloads")
	fs.IntVar(&c.seedWorkers, "seed-workers", 0, "parallel CreateMany calls while seeding (default: 4 on MySQL, 2 on SQLite)")
	fs.StringVar(&c.analyze, "analyze", "auto", "`when` to run ANALYZE after seeding: auto (on MySQL, whose statistics refresh on their own anyway; not on SQLite, where scimd never runs it), yes or no")
	fs.BoolVar(&c.keep, "keep", false, "keep the database (a fresh MySQL database or the temporary SQLite file) at the end")
	fs.BoolVar(&c.seedOnly, "seed-only", false, "seed the database and stop (with --keep, to look at it)")
	fs.Func("serve-arg", "an extra argument of \"scimd serve\", e.g. --serve-arg=--debug-addr=127.0.0.1:6060 to profile it; repeatable", func(v string) error {
		c.serveArgs = append(c.serveArgs, v)
		return nil
	})
	fs.Func("only", "run only these comma-separated workload groups (W1-4, W5 (the list pages: W5a, W5b and W12), W6-7, W8-9, W10, W11), e.g. --only W1-4,W5 while profiling", func(v string) error {
		for g := range strings.SplitSeq(v, ",") {
			if !slices.Contains(workloadGroups, g) {
				return fmt.Errorf("unknown workload group %q (want one of %s)", g, strings.Join(workloadGroups, ", "))
			}
			c.only = append(c.only, g)
		}
		return nil
	})
	fs.StringVar(&c.scimd, "scimd", "", "scimd `binary` to run (default: go build ./cmd/scimd of the working directory)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	c.modeDefaults()
	if c.users < 1000 || c.groups < 2 || c.conc < 1 {
		return c, errors.New("want at least 1,000 users, 2 groups and a concurrency of 1")
	}
	if !slices.Contains([]string{"auto", "yes", "no"}, c.analyze) {
		return c, fmt.Errorf("--analyze is %q: want auto, yes or no", c.analyze)
	}
	return c, nil
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errWorkloadErrors):
		fmt.Fprintf(os.Stderr, "scimd-bench: %v\n", err)
		os.Exit(1)
	default:
		fmt.Fprintf(os.Stderr, "scimd-bench: %v\n", err)
		os.Exit(2)
	}
}

// workloadGroups name the phases of a run, in order, for --only. W5 runs
// the list pages: the walks W5a and W5b, and W12.
var workloadGroups = []string{"W1-4", "W5", "W6-7", "W8-9", "W10", "W11"}

// errWorkloadErrors is returned by run when a workload had errors.
var errWorkloadErrors = errors.New("workloads had errors")

// run runs the benchmark: the table goes to stdout, progress to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	started := time.Now()
	t, err := resolveTarget(ctx, cfg.db, cfg.keep, stderr)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := t.cleanup(context.WithoutCancel(ctx)); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	d := newDataset(cfg.seed, cfg.users, cfg.groups, cfg.victims)
	_, _ = fmt.Fprintf(stderr, "bench: %s mode on %s: seeding %s users and %s groups\n",
		modeName(cfg.full), t.kind, formatCount(d.users), formatCount(d.groups))

	sd, err := seedTarget(ctx, cfg, t, d, stderr)
	if err != nil {
		return err
	}
	if cfg.seedOnly {
		return nil
	}

	dir, err := os.MkdirTemp("", "scimd-bench-run-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	bin := cfg.scimd
	if bin == "" {
		if bin, err = buildScimd(ctx, dir); err != nil {
			return err
		}
	}

	dbPID := 0 // mariadbd, when it runs on this machine
	if t.kind == "mysql" {
		dbPID = findProcess("mariadbd", "mysqld")
	}
	res := &results{users: d.users, engine: t.kind, full: cfg.full, conc: cfg.conc}
	floorRate, err := measureFloor(ctx, cfg, t, sd, d, dbPID, res, stderr)
	if err != nil {
		return err
	}

	srv, err := startServer(ctx, bin, t.db, dir, cfg.serveArgs)
	if err != nil {
		return err
	}
	b := &bench{cfg: cfg, d: d, srv: srv, floor: floorRate, dbPID: dbPID, log: stderr, res: res,
		c:    newClient(srv.addr, benchTenant, sd.token, cfg.conc),
		sync: newClient(srv.addr, syncTenant, sd.syncToken, cfg.conc)}
	for i, phase := range []func(context.Context){b.reads, b.walks, b.writes, b.members, b.deletes, b.entra} {
		if len(cfg.only) == 0 || slices.Contains(cfg.only, workloadGroups[i]) {
			phase(ctx)
		}
	}
	res.endRSS, res.endPeak, _ = memory(srv.pid())
	if err := srv.stop(); err != nil {
		_, _ = fmt.Fprintf(stderr, "bench: %v\n", err)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return finish(stdout, stderr, cfg, t, d, sd, res, started)
}

// seedTarget seeds the dataset d into the target's database, with
// cfg.seedWorkers workers (default: 4 on MySQL, 2 on SQLite), and
// checkpoints it.
func seedTarget(ctx context.Context, cfg config, t *target, d *dataset, log io.Writer) (seeded, error) {
	if cfg.seedWorkers == 0 {
		cfg.seedWorkers = 2
		if t.kind == "mysql" {
			cfg.seedWorkers = 4
		}
	}
	store, err := openStore(ctx, t)
	if err != nil {
		return seeded{}, err
	}
	sd, err := seed(ctx, store, d, cfg.seedWorkers, analyzeAfterSeed(cfg.analyze, t.kind), log)
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return sd, err
	}
	if err := checkpoint(ctx, t); err != nil {
		return sd, fmt.Errorf("checkpoint: %w", err)
	}
	return sd, nil
}

// analyzeAfterSeed says whether the seed ends with ANALYZE. By default the
// benchmark measures a database in the state scimd leaves it: MariaDB and
// MySQL keep InnoDB's statistics up to date by themselves, and scimd never
// runs ANALYZE on SQLite. (With ANALYZE's samples, sqlite_stat4, SQLite
// compiles a prepared statement again whenever a bound value its plan
// looked at changes: about 40 % of a filtered list's CPU.)
func analyzeAfterSeed(when, kind string) bool {
	switch when {
	case "yes":
		return true
	case "no":
		return false
	}
	return kind == "mysql"
}

// finish prints the results table of a run, begun at started, to stdout
// and its end to stderr; errWorkloadErrors when a workload had errors.
func finish(stdout, stderr io.Writer, cfg config, t *target, d *dataset, sd seeded, res *results, started time.Time) error {
	res.header = []string{
		fmt.Sprintf("scimd-bench, %s mode, %s: %s", modeName(cfg.full), time.Now().Format("2006-01-02 15:04"), t.version),
		fmt.Sprintf("machine: %s, %d CPUs (GOMAXPROCS %d), %s; load generator, scimd and the database share it", cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version()),
		fmt.Sprintf("dataset: %s users, %s groups (the big one of %s members), seed %d, seeded in %s; concurrency %d, %s per workload after %s of warm-up",
			formatCount(d.users), formatCount(d.groups), formatCount(d.groupSize(d.bigGroup())), cfg.seed, sd.took.Round(time.Second),
			cfg.conc, cfg.duration, cfg.warmup),
		"×floor is req/s over the floor's lookups/s; cpu-s/1k is scimd's user+system CPU-seconds per 1,000 HTTP requests (db: mariadbd's); peak RSS is scimd's VmHWM during the workload",
	}
	res.print(stdout)
	_, _ = fmt.Fprintf(stderr, "bench: done in %s\n", time.Since(started).Round(time.Second))
	if n := res.errors(); n > 0 {
		return fmt.Errorf("%w: %d in all", errWorkloadErrors, n)
	}
	return nil
}

// measureFloor runs primary-key lookups straight through database/sql and
// records the floor row.
func measureFloor(ctx context.Context, cfg config, t *target, sd seeded, d *dataset, dbPID int, res *results, log io.Writer) (float64, error) {
	db, err := openFloorDB(t)
	if err != nil {
		return 0, err
	}
	defer func() { _ = db.Close() }()
	_, _ = fmt.Fprintf(log, "bench: floor: %s\n", floorQuery)
	o := floorOp(db, sd.tenant, d)
	l := loop{conc: cfg.conc, duration: cfg.warmup, seed: cfg.seed}
	warm := l.run(ctx, o)
	l.duration = cfg.duration
	db0, err0 := cpuSeconds(dbPID)
	self0, serr0 := cpuSeconds(os.Getpid())
	st := l.run(ctx, o)
	db1, err1 := cpuSeconds(dbPID)
	self1, serr1 := cpuSeconds(os.Getpid())
	dbCPU, selfCPU := -1.0, -1.0
	if dbPID != 0 && err0 == nil && err1 == nil && st.ops > 0 {
		dbCPU = (db1 - db0) / float64(st.ops) * 1000
	}
	if serr0 == nil && serr1 == nil && st.ops > 0 {
		selfCPU = (self1 - self0) / float64(st.ops) * 1000
	}
	st.errors += warm.errors
	if st.firstErr == nil {
		st.firstErr = warm.firstErr
	}
	res.rows = append(res.rows, row{key: "floor", name: "floor: PK lookup via database/sql", conc: cfg.conc, ops: st.ops,
		rate: st.rate(), ratio: 1, p50: st.percentile(0.5), p99: st.percentile(0.99), errors: st.errors, firstErr: st.firstErr,
		cpu1k: -1, dbCPU1k: dbCPU, selfCPU1k: selfCPU, note: "same driver, DSN settings and pool size as scimd's " + t.kind + " backend"})
	return st.rate(), nil
}

func modeName(full bool) string {
	if full {
		return "full"
	}
	return "quick"
}

// cpuModel returns the CPU's model name from /proc/cpuinfo.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if name, value, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return runtime.GOARCH
}
