// Command scimd-bench measures scimd end to end on one machine. It seeds a
// deterministic dataset straight through the storage layer, measures the
// floor (primary-key lookups through the same driver and pool settings the
// backend uses), builds and starts the real scimd binary, drives SCIM
// workloads over HTTP on 127.0.0.1 with closed-loop workers, and prints one
// table: requests/s, the ratio to the floor, p50 and p99 latency, errors,
// scimd CPU-seconds per 1,000 requests and scimd's peak RSS, then the
// targets scimd is meant to meet (targets.go), each as PASS, MISS or n/a.
//
// Usage:
//
//	scimd-bench [--quick|--full] [--db auto|sqlite:PATH|mysql://USER@HOST:PORT/[DBNAME]]
//	            [--users N] [--groups N] [--concurrency N] [--duration D] [--keep]
//
// Absolute numbers move from machine to machine; compare the ratios to the
// floor measured in the same run. The process exits non-zero only when a
// workload had errors, never because of speed.
//
// See docs/performance.md for a full run and how to reproduce it.
package main
