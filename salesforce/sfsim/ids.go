package sfsim

import "strings"

const idSuffixChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// To18 converts a 15-character Salesforce id to its case-safe 18-character
// form, and normalises an 18-character id whose case was lost. It reports
// false when id is not a well-formed id.
func To18(id string) (string, bool) {
	switch len(id) {
	case 15:
		if !isAlnum(id) {
			return "", false
		}
		return id + idChecksum(id), true
	case 18:
		if !isAlnum(id) {
			return "", false
		}
		// The suffix records which of the first 15 characters are upper case,
		// so an id that went through a case-insensitive system is recoverable.
		b := []byte(id[:15])
		for chunk := 0; chunk < 3; chunk++ {
			n := strings.IndexByte(idSuffixChars, upper(id[15+chunk]))
			if n < 0 {
				return "", false
			}
			for i := 0; i < 5; i++ {
				c := b[chunk*5+i]
				if n&(1<<i) != 0 {
					b[chunk*5+i] = upper(c)
				} else if c >= 'A' && c <= 'Z' {
					b[chunk*5+i] = c + 'a' - 'A'
				}
			}
		}
		s := string(b)
		return s + idChecksum(s), true
	}
	return "", false
}

func idChecksum(id15 string) string {
	var out [3]byte
	for chunk := 0; chunk < 3; chunk++ {
		n := 0
		for i := 0; i < 5; i++ {
			c := id15[chunk*5+i]
			if c >= 'A' && c <= 'Z' {
				n |= 1 << i
			}
		}
		out[chunk] = idSuffixChars[n]
	}
	return string(out[:])
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// newID builds an 18-character id: key prefix, a fixed pod marker and a
// base62 sequence number.
func newID(prefix string, seq int64) string {
	var b [15]byte
	copy(b[:], prefix)
	b[3], b[4], b[5] = 'H', 's', '0'
	for i := 14; i >= 6; i-- {
		b[i] = base62[seq%62]
		seq /= 62
	}
	s := string(b[:])
	return s + idChecksum(s)
}
