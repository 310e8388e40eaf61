//go:build !race

package admin_test

// raceEnabled tells tests that the race detector is on.
const raceEnabled = false
