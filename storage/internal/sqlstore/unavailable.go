package sqlstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"
)

// unavailable reports whether err means the database could not be reached
// or did not answer in time, so that the same call may succeed later: the
// connection was refused, reset or closed under the driver (driver.ErrBadConn,
// io.EOF and io.ErrUnexpectedEOF from a cut socket, any net.Error including
// dial and I/O timeouts), the call's deadline passed while it waited for a
// connection or an answer, or the dialect recognizes an engine error of the
// kind (server gone away, too many connections, lock wait exhausted).
//
// context.Canceled is not unavailability: the caller went away.
func (s *Store) unavailable(err error) bool {
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, driver.ErrBadConn),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, context.DeadlineExceeded),
		errors.As(err, &ne):
		return true
	}
	return s.d.IsUnavailable != nil && s.d.IsUnavailable(err)
}

// A corruptError is a stored value that does not decode. It keeps the
// decoder's message but not its error: a truncated document decodes to
// io.ErrUnexpectedEOF, which must not be taken for a cut connection (and
// answered 503, retried forever).
type corruptError struct {
	what string // "document of 42"
	msg  string
}

func (e *corruptError) Error() string { return "decode " + e.what + ": " + e.msg }

// corrupt returns the error of a stored value, described by what, that
// does not decode.
func corrupt(what string, err error) error { return &corruptError{what: what, msg: err.Error()} }
