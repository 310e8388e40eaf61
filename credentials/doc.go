// Package credentials makes and checks the bearer tokens of SCIM
// credentials: a token is shown once, to whoever asked for it, and only
// its hash is stored, so that a stolen database holds no usable token.
package credentials
