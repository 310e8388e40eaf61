package sqlstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/scimd/scimd/storage"
)

var errEngineGone = errors.New("engine: server has gone away")

// TestMapErrUnavailable checks which failures become storage.ErrUnavailable
// (so the HTTP layers answer 503 with Retry-After) and which do not.
func TestMapErrUnavailable(t *testing.T) {
	s := &Store{d: Dialect{
		IsUniqueViolation: func(error) bool { return false },
		IsUnavailable:     func(err error) bool { return errors.Is(err, errEngineGone) },
	}}
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, err := range []error{
		driver.ErrBadConn, io.EOF, io.ErrUnexpectedEOF, dialErr,
		fmt.Errorf("read: %w", syscall.ECONNRESET), fmt.Errorf("write: %w", syscall.EPIPE),
		context.DeadlineExceeded, errEngineGone, fmt.Errorf("query: %w", errEngineGone),
	} {
		if got := s.mapErr("op", err); !errors.Is(got, storage.ErrUnavailable) {
			t.Errorf("mapErr(%v) = %v, want ErrUnavailable", err, got)
		}
	}
	for _, err := range []error{
		context.Canceled, errors.New("syntax error"), storage.ErrNotFound, storage.ErrConflict,
		&storage.ValueError{Attribute: "userName", Detail: "too long"},
	} {
		if got := s.mapErr("op", err); errors.Is(got, storage.ErrUnavailable) {
			t.Errorf("mapErr(%v) = %v, want it not to be ErrUnavailable", err, got)
		}
	}
	// A stored document or audit change list that is cut short is corrupt
	// data, not a cut connection: the decoder's io.ErrUnexpectedEOF and
	// io.EOF must not make it ErrUnavailable (a 503 retried forever).
	now := formatTime(time.Now())
	for _, doc := range []string{`{"userName":`, `{`, ``, `[1, 2`} {
		_, err := decodeResource(storage.Resource{ID: "u1"}, now, now, []byte(doc))
		if err == nil {
			t.Errorf("decodeResource(%q): no error", doc)
			continue
		}
		if got := s.mapErr("get User", err); errors.Is(got, storage.ErrUnavailable) {
			t.Errorf("mapErr(decodeResource(%q)) = %v, want it not to be ErrUnavailable", doc, got)
		}
	}
}
