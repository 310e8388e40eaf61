package scim

import (
	"errors"
	"testing"

	"github.com/scimd/scimd/storage"
)

func TestCursorCodec(t *testing.T) {
	c := cursorCodec{key: []byte("0123456789abcdef0123456789abcdef")}
	tok := c.encode("tenant-a", "q1", "inner")
	if got, err := c.decode("tenant-a", "q1", tok); err != nil || got != "inner" {
		t.Fatalf("round trip = %q, %v", got, err)
	}
	tampered := []byte(tok)
	tampered[3] ^= 1
	for name, try := range map[string]func() (string, error){
		"other tenant": func() (string, error) { return c.decode("tenant-b", "q1", tok) },
		"other query":  func() (string, error) { return c.decode("tenant-a", "q2", tok) },
		"tampered":     func() (string, error) { return c.decode("tenant-a", "q1", string(tampered)) },
		"garbage":      func() (string, error) { return c.decode("tenant-a", "q1", "!!") },
		"other key": func() (string, error) {
			return cursorCodec{key: []byte("another key")}.decode("tenant-a", "q1", tok)
		},
	} {
		if _, err := try(); !errors.Is(err, storage.ErrInvalidCursor) {
			t.Errorf("%s: err = %v, want ErrInvalidCursor", name, err)
		}
	}
}
