package credentials

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		token, hash, err := NewToken()
		if err != nil {
			t.Fatalf("NewToken: %v", err)
		}
		rest, ok := strings.CutPrefix(token, TokenPrefix)
		if !ok {
			t.Fatalf("token %q does not start with %q", token, TokenPrefix)
		}
		if len(token) != 49 {
			t.Errorf("token %q has %d characters, want 49", token, len(token))
		}
		raw, err := base64.RawURLEncoding.Strict().DecodeString(rest)
		if err != nil {
			t.Fatalf("token %q: not unpadded base64url after the prefix: %v", token, err)
		}
		if len(raw) != 32 {
			t.Errorf("token %q carries %d bytes, want 32", token, len(raw))
		}
		if want := HashToken(token); string(hash) != string(want) {
			t.Errorf("NewToken hash = %x, want HashToken(token) = %x", hash, want)
		}
		if seen[token] {
			t.Fatalf("NewToken repeated %q", token)
		}
		seen[token] = true
	}
}

func TestHashToken(t *testing.T) {
	// The stored form must never change: the hash of existing tokens is in
	// databases. echo -n scimd_test | sha256sum
	const want = "0d2729a9664cfdc0e5775860543ee26ee0c0ed23981276c506ad4290c8b11c16"
	if got := hex.EncodeToString(HashToken("scimd_test")); got != want {
		t.Errorf("HashToken(scimd_test) = %s, want %s", got, want)
	}
	if got := HashToken(""); len(got) != sha256.Size {
		t.Errorf("HashToken(\"\") has %d bytes, want %d", len(got), sha256.Size)
	}
	if string(HashToken("scimd_a")) == string(HashToken("scimd_b")) {
		t.Error("different tokens hash alike")
	}
	// The returned slices are independent.
	a, b := HashToken("x"), HashToken("x")
	a[0] ^= 0xff
	if a[0] == b[0] {
		t.Error("HashToken results share memory")
	}
}

func TestMatchToken(t *testing.T) {
	token, hash, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if !MatchToken(token, hash) {
		t.Error("MatchToken(token, its hash) = false")
	}
	other, _, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		token string
		hash  []byte
	}{
		"other token":    {other, hash},
		"trailing space": {token + " ", hash},
		"no prefix":      {strings.TrimPrefix(token, TokenPrefix), hash},
		"short hash":     {token, hash[:31]},
		"nil hash":       {token, nil},
	} {
		if MatchToken(tc.token, tc.hash) {
			t.Errorf("MatchToken (%s) = true", name)
		}
	}
}
