package main

import (
	"fmt"
	"net/http"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scimd/scimd/scim/scimtest"
)

// TestTwoProcessesMySQL starts two scimd binaries on one MySQL database and
// runs the concurrency suite with requests alternating between them:
// concurrent creates of one userName, concurrent member adds and If-Match
// races give exactly what they give on one process.
func TestTwoProcessesMySQL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := os.Getenv("SCIMD_TEST_MYSQL_DSN")
	if dsn == "" {
		t.Skip("SCIMD_TEST_MYSQL_DSN not set")
	}
	db := mysqlTestDB(t, dsn)
	bin := buildScimd(t)
	p1 := startScimd(t, bin, db)
	p2 := startScimd(t, bin, db)
	rr := scimtest.NewRoundRobin(p1.base, p2.base)
	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: rr,
		// A redirect is an answer to check, not to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	var n atomic.Int64
	scimtest.RunHTTPConcurrencyTests(t, func(t *testing.T) scimtest.Target {
		basePath, token := createTenantCLI(t, bin, db, fmt.Sprintf("two%d", n.Add(1)))
		return scimtest.Target{BaseURL: p1.base + basePath, Token: token, Client: client}
	})
	sent := rr.Sent()
	if sent[0] == 0 || sent[1] == 0 {
		t.Errorf("requests per process: %v, want both to serve", sent)
	}
	t.Logf("FIGURES two processes: %d requests, 170 of them in concurrent batches (%d on process 1, %d on process 2)", sent[0]+sent[1], sent[0], sent[1])
}
