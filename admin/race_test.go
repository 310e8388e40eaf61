//go:build race

package admin_test

// raceEnabled tells tests that the race detector is on: it slows the
// 100,000-user export test tenfold and changes the heap it measures.
const raceEnabled = true
