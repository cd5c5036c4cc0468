package sfsim

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tString
	tNumber
	tDate
	tDateTime
	tLParen
	tRParen
	tComma
	tOp
	tColon
)

// token is one SOQL token. For strings, str is the decoded value and like
// the equivalent regular expression for LIKE.
type token struct {
	kind tokKind
	text string
	pos  int
	str  string
	like string
}

// soqlError builds a MALFORMED_QUERY-style error with Salesforce's
// "ERROR at Row:r:Column:c" prefix pointing into the query.
func soqlError(code, q string, pos int, msg string) *Error {
	if pos < 0 {
		pos = 0
	}
	if pos > len(q) {
		pos = len(q)
	}
	row, col := 1, 1
	lineStart := 0
	for i := 0; i < pos; i++ {
		if q[i] == '\n' {
			row++
			col = 1
			lineStart = i + 1
		} else {
			col++
		}
	}
	lineEnd := strings.IndexByte(q[lineStart:], '\n')
	line := q[lineStart:]
	if lineEnd >= 0 {
		line = q[lineStart : lineStart+lineEnd]
	}
	caret := strings.Repeat(" ", max(0, utf8.RuneCountInString(q[lineStart:pos]))) + "^"
	return badRequest(code, fmt.Sprintf("\n%s\n%s\nERROR at Row:%d:Column:%d\n%s", line, caret, row, col, msg))
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }

func lexSOQL(q string) ([]token, *Error) {
	var toks []token
	i := 0
	for i < len(q) {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{kind: tLParen, text: "(", pos: i})
			i++
		case c == ')':
			toks = append(toks, token{kind: tRParen, text: ")", pos: i})
			i++
		case c == ',':
			toks = append(toks, token{kind: tComma, text: ",", pos: i})
			i++
		case c == ':':
			toks = append(toks, token{kind: tColon, text: ":", pos: i})
			i++
		case c == '=':
			toks = append(toks, token{kind: tOp, text: "=", pos: i})
			i++
		case c == '!' || c == '<' || c == '>':
			op := string(c)
			if i+1 < len(q) && (q[i+1] == '=' || (c == '<' && q[i+1] == '>')) {
				op += string(q[i+1])
			}
			if op == "!" {
				return nil, soqlError("MALFORMED_QUERY", q, i, "unexpected token: '!'")
			}
			if op == "<>" {
				op = "!="
			}
			toks = append(toks, token{kind: tOp, text: op, pos: i})
			i += len(op)
		case c == '\'':
			t, n, err := lexString(q, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i = n
		case isDigit(c) || ((c == '-' || c == '+') && i+1 < len(q) && (isDigit(q[i+1]) || q[i+1] == '.')) || (c == '.' && i+1 < len(q) && isDigit(q[i+1])):
			t, n, err := lexNumberOrDate(q, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i = n
		case isIdentStart(c):
			j := i
			for j < len(q) && (isIdentStart(q[j]) || isDigit(q[j]) || q[j] == '.') {
				j++
			}
			toks = append(toks, token{kind: tIdent, text: q[i:j], pos: i})
			i = j
		default:
			r, _ := utf8.DecodeRuneInString(q[i:])
			return nil, soqlError("MALFORMED_QUERY", q, i, fmt.Sprintf("unexpected token: '%c'", r))
		}
	}
	toks = append(toks, token{kind: tEOF, text: "<EOF>", pos: len(q)})
	return toks, nil
}

func lexString(q string, start int) (token, int, *Error) {
	var val, re strings.Builder
	i := start + 1
	for i < len(q) {
		c := q[i]
		if c == '\'' {
			return token{kind: tString, text: q[start : i+1], pos: start, str: val.String(), like: re.String()}, i + 1, nil
		}
		if c == '\\' {
			if i+1 >= len(q) {
				break
			}
			e := q[i+1]
			var out string
			switch e {
			case '\'', '"', '\\':
				out = string(e)
			case 'n', 'N':
				out = "\n"
			case 'r', 'R':
				out = "\r"
			case 't', 'T':
				out = "\t"
			case 'b', 'B':
				out = "\b"
			case 'f', 'F':
				out = "\f"
			case '_', '%':
				val.WriteByte(e)
				re.WriteString(regexp.QuoteMeta(string(e)))
				i += 2
				continue
			case 'u':
				if i+6 <= len(q) {
					if n, err := strconv.ParseUint(q[i+2:i+6], 16, 32); err == nil {
						out = string(rune(n))
						val.WriteString(out)
						re.WriteString(regexp.QuoteMeta(out))
						i += 6
						continue
					}
				}
				return token{}, 0, soqlError("MALFORMED_QUERY", q, i, "Invalid string literal '"+q[start:min(len(q), i+6)]+"'. Illegal unicode escape sequence.")
			default:
				return token{}, 0, soqlError("MALFORMED_QUERY", q, start,
					fmt.Sprintf("Invalid string literal '%s'. Illegal character sequence '\\%c' in string literal.", q[start:min(len(q), i+2)], e))
			}
			val.WriteString(out)
			re.WriteString(regexp.QuoteMeta(out))
			i += 2
			continue
		}
		switch c {
		case '%':
			re.WriteString(".*")
		case '_':
			re.WriteString(".")
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
		val.WriteByte(c)
		i++
	}
	return token{}, 0, soqlError("MALFORMED_QUERY", q, start, "unexpected token: <EOF>")
}

func lexNumberOrDate(q string, i int) (token, int, *Error) {
	start := i
	// A date starts with four digits and a dash.
	if i+10 <= len(q) && isDigits(q[i:i+4]) && q[i+4] == '-' && isDigits(q[i+5:i+7]) && q[i+7] == '-' && isDigits(q[i+8:i+10]) {
		j := i + 10
		if j < len(q) && q[j] == 'T' {
			// datetime: THH:MM:SS[.fff](Z|±HH:MM)
			k := j + 1
			for k < len(q) && (isDigit(q[k]) || q[k] == ':' || q[k] == '.' || q[k] == 'Z' || q[k] == '+' || q[k] == '-') {
				k++
			}
			text := q[start:k]
			for _, layout := range []string{"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.999Z07:00"} {
				if _, err := timeParse(layout, text); err == nil {
					return token{kind: tDateTime, text: text, pos: start}, k, nil
				}
			}
			return token{}, 0, soqlError("MALFORMED_QUERY", q, start, "line 1:"+strconv.Itoa(start)+" no viable alternative at character '"+text+"'")
		}
		if j < len(q) && (isIdentStart(q[j]) || isDigit(q[j])) {
			return token{}, 0, soqlError("MALFORMED_QUERY", q, start, "unexpected token: '"+q[start:j+1]+"'")
		}
		text := q[start:j]
		if _, err := timeParse(dateLayout, text); err != nil {
			return token{}, 0, soqlError("MALFORMED_QUERY", q, start, "unexpected token: '"+text+"'")
		}
		return token{kind: tDate, text: text, pos: start}, j, nil
	}
	if q[i] == '-' || q[i] == '+' {
		i++
	}
	for i < len(q) && isDigit(q[i]) {
		i++
	}
	if i < len(q) && q[i] == '.' {
		i++
		for i < len(q) && isDigit(q[i]) {
			i++
		}
	}
	if i < len(q) && (isIdentStart(q[i]) || q[i] == '.') {
		j := i
		for j < len(q) && (isIdentStart(q[j]) || isDigit(q[j]) || q[j] == '.') {
			j++
		}
		return token{}, 0, soqlError("MALFORMED_QUERY", q, start, "unexpected token: '"+q[start:j]+"'")
	}
	return token{kind: tNumber, text: q[start:i], pos: start}, i, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
