package filtertext

import "testing"

func TestUpperHexEscapes(t *testing.T) {
	cases := []struct{ in, want string }{
		{in: `userName eq "\u00e9x"`, want: `userName eq "\u00E9x"`},
		{in: `userName eq "a\u003cb" or title eq "\u00ff"`, want: `userName eq "a\u003Cb" or title eq "\u00FF"`},
		{in: `userName eq "a\\u00ef"`, want: `userName eq "a\\u00ef"`},                 // an escaped backslash, then text
		{in: `userName eq "\"\u00ef"`, want: `userName eq "\"\u00EF"`},                 // an escaped quote keeps the string open
		{in: `userName eq "x" and u\u00ef pr`, want: `userName eq "x" and u\u00ef pr`}, // outside strings: the parser's to refuse
		{in: `userName eq "\u00e"`, want: `userName eq "\u00e"`},                       // too short: the parser's to refuse
	}
	for _, c := range cases {
		if got := UpperHexEscapes(c.in); got != c.want {
			t.Errorf("UpperHexEscapes(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}
