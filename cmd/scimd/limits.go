package main

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/scimd/scimd/scim"
	"github.com/scimd/scimd/storage"
)

// serveLimits are the request limits and HTTP server timeouts of serve.
type serveLimits struct {
	maxBodyBytes       int64   // request body, bytes (413 above)
	maxResults         int     // count cap of list requests
	maxFilterBytes     int     // filter length, bytes
	maxFilterTerms     int     // filter comparisons and logical operators
	maxPatchOperations int     // operations per PATCH request
	maxPatchMembers    int     // member values per PATCH request
	maxMultiValues     int     // values per multi-valued attribute
	rateLimit          float64 // requests per second per credential; 0 is off
	rateBurst          int     // requests a credential may make at once
	readHeaderTimeout  time.Duration
	readTimeout        time.Duration
	writeTimeout       time.Duration
	idleTimeout        time.Duration
	maxHeaderBytes     int
}

// defaultServeLimits are the limits of serve without flags or environment.
// The write timeout leaves room for large list responses.
func defaultServeLimits() serveLimits {
	return serveLimits{
		maxBodyBytes:       scim.DefaultMaxBodyBytes,
		maxResults:         scim.DefaultMaxResults,
		maxFilterBytes:     scim.DefaultMaxFilterBytes,
		maxFilterTerms:     scim.DefaultMaxFilterTerms,
		maxPatchOperations: scim.DefaultMaxPatchOperations,
		maxPatchMembers:    scim.DefaultMaxPatchMembers,
		maxMultiValues:     scim.DefaultMaxMultiValues,
		rateBurst:          defaultRateBurst,
		readHeaderTimeout:  10 * time.Second,
		readTimeout:        30 * time.Second,
		writeTimeout:       60 * time.Second,
		idleTimeout:        120 * time.Second,
		maxHeaderBytes:     64 << 10,
	}
}

// defaultRateBurst is --rate-burst's default.
const defaultRateBurst = 20

// limitFlag is one flag of serveLimits: its name, environment variable,
// help, and how it reads and shows its value.
type limitFlag struct {
	name, env, usage string
	show             func(*serveLimits) string
	set              func(*serveLimits, string) error
}

// intLimit is a limitFlag for an integer from lo to hi.
func intLimit[T int | int64](name, env, usage string, lo, hi T, p func(*serveLimits) *T) limitFlag {
	return limitFlag{name: name, env: env, usage: usage,
		show: func(l *serveLimits) string { return strconv.FormatInt(int64(*p(l)), 10) },
		set: func(l *serveLimits, s string) error {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < int64(lo) || n > int64(hi) {
				return fmt.Errorf("invalid --%s %q: want an integer from %d to %d", name, s, lo, hi)
			}
			*p(l) = T(n)
			return nil
		}}
}

// durationLimit is a limitFlag for a positive duration.
func durationLimit(name, env, usage string, p func(*serveLimits) *time.Duration) limitFlag {
	return limitFlag{name: name, env: env, usage: usage,
		show: func(l *serveLimits) string { return p(l).String() },
		set: func(l *serveLimits, s string) error {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				return fmt.Errorf("invalid --%s %q: want a positive duration such as 30s", name, s)
			}
			*p(l) = d
			return nil
		}}
}

var limitFlags = []limitFlag{
	intLimit("max-body-bytes", "SCIMD_MAX_BODY_BYTES", "largest request `body` in bytes; larger ones get 413", 1024, 1<<30,
		func(l *serveLimits) *int64 { return &l.maxBodyBytes }),
	intLimit("max-results", "SCIMD_MAX_RESULTS", "most resources one list `page` holds: a larger count is served as this (filter.maxResults)", 1, 100000,
		func(l *serveLimits) *int { return &l.maxResults }),
	intLimit("max-filter-bytes", "SCIMD_MAX_FILTER_BYTES", "longest filter in `bytes`; longer ones get 400 invalidFilter", 16, scim.MaxFilterLength,
		func(l *serveLimits) *int { return &l.maxFilterBytes }),
	intLimit("max-filter-terms", "SCIMD_MAX_FILTER_TERMS", "most comparisons and logical operators (`terms`) in a filter; more get 400 invalidFilter", 1, storage.MaxFilterTerms,
		func(l *serveLimits) *int { return &l.maxFilterTerms }),
	intLimit("max-patch-operations", "SCIMD_MAX_PATCH_OPERATIONS", "most `operations` in one PATCH request; more get 400 invalidValue", 1, 1000000,
		func(l *serveLimits) *int { return &l.maxPatchOperations }),
	intLimit("max-patch-members", "SCIMD_MAX_PATCH_MEMBERS", "most member `values` one PATCH request names, summed over its operations; more get 400 invalidValue", 1, 10000000,
		func(l *serveLimits) *int { return &l.maxPatchMembers }),
	intLimit("max-multi-values", "SCIMD_MAX_MULTI_VALUES", "most `values` a multi-valued attribute of a user or group may hold (emails, roles...; group members not counted); more get 400 invalidValue", 1, 1000000,
		func(l *serveLimits) *int { return &l.maxMultiValues }),
	{name: "rate-limit", env: "SCIMD_RATE_LIMIT", usage: "sustained `requests` per second each SCIM credential may make, per instance; above it 429 with Retry-After; 0 is no limit",
		show: func(l *serveLimits) string { return strconv.FormatFloat(l.rateLimit, 'g', -1, 64) },
		set: func(l *serveLimits, s string) error {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
				return fmt.Errorf("invalid --rate-limit %q: want a number of requests per second, 0 for no limit", s)
			}
			l.rateLimit = f
			return nil
		}},
	intLimit("rate-burst", "SCIMD_RATE_BURST", "`requests` a credential may make at once before --rate-limit applies", 1, 1000000,
		func(l *serveLimits) *int { return &l.rateBurst }),
	durationLimit("read-header-timeout", "SCIMD_READ_HEADER_TIMEOUT", "longest `time` a client may take to send a request's headers",
		func(l *serveLimits) *time.Duration { return &l.readHeaderTimeout }),
	durationLimit("read-timeout", "SCIMD_READ_TIMEOUT", "longest `time` a client may take to send a whole request",
		func(l *serveLimits) *time.Duration { return &l.readTimeout }),
	durationLimit("write-timeout", "SCIMD_WRITE_TIMEOUT", "longest `time` from the end of a request's headers to the end of its response",
		func(l *serveLimits) *time.Duration { return &l.writeTimeout }),
	durationLimit("idle-timeout", "SCIMD_IDLE_TIMEOUT", "longest `time` a keep-alive connection may wait for its next request",
		func(l *serveLimits) *time.Duration { return &l.idleTimeout }),
	intLimit("max-header-bytes", "SCIMD_MAX_HEADER_BYTES", "largest request `headers` in bytes; larger ones get 431", 4096, 1<<24,
		func(l *serveLimits) *int { return &l.maxHeaderBytes }),
}

// registerLimitFlags defines the limit flags on fs, with defaults from the
// environment, and returns the function that reads them into l once fs is
// parsed.
func registerLimitFlags(fs *flag.FlagSet, orEnv func(name, def string) string, l *serveLimits) func() error {
	*l = defaultServeLimits()
	values := make([]*string, len(limitFlags))
	for i, f := range limitFlags {
		values[i] = fs.String(f.name, orEnv(f.env, f.show(l)), f.usage+" (env "+f.env+")")
	}
	return func() error {
		for i, f := range limitFlags {
			if err := f.set(l, *values[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// scimConfig is the part of the SCIM handler's configuration the limits
// set.
func (l serveLimits) scimConfig() scim.Config {
	return scim.Config{
		MaxBodyBytes:       l.maxBodyBytes,
		MaxResults:         l.maxResults,
		MaxFilterBytes:     l.maxFilterBytes,
		MaxFilterTerms:     l.maxFilterTerms,
		MaxPatchOperations: l.maxPatchOperations,
		MaxPatchMembers:    l.maxPatchMembers,
		MaxMultiValues:     l.maxMultiValues,
		RateLimit:          l.rateLimit,
		RateBurst:          l.rateBurst,
	}
}
