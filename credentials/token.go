package credentials

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
)

// TokenPrefix starts every bearer token scimd makes, so that people and
// secret scanners recognize a leaked one.
const TokenPrefix = "scimd_"

// tokenBytes is the entropy of a token: 256 bits.
const tokenBytes = 32

// NewToken returns a new bearer token and its hash (HashToken of it). The
// token is TokenPrefix followed by 256 random bits from crypto/rand in
// unpadded base64url, 49 characters in all. Only the hash is to be stored;
// the token is shown once, to whoever asked for it.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("new token: %w", err)
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the SHA-256 hash of a bearer token, the form in which
// credentials are stored and looked up. A fast unsalted hash is right here:
// tokens carry 256 random bits, so there is nothing to guess from a stolen
// hash, and an unsalted hash can be looked up by value, so checking a token
// needs no comparison over the stored hashes that could leak through
// timing. It hashes whatever it is given, so malformed tokens simply find
// no credential.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// MatchToken reports, in time independent of the token's content, whether
// token hashes to hash.
func MatchToken(token string, hash []byte) bool {
	return subtle.ConstantTimeCompare(HashToken(token), hash) == 1
}
