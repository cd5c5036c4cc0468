package intercomsim

import (
	"encoding/hex"
	"fmt"
	"strconv"
)

// ids generates Intercom-shaped identifiers. All ids are deterministic: a
// 24-hex id is a fixed prefix plus a counter, numeric ids count up.
type ids struct {
	hexSeq int64
	numSeq int64
}

// hex24 returns a new 24-hex-character id such as contacts and companies use.
func (g *ids) hex24() string {
	g.hexSeq++
	var b [4]byte
	b[0], b[1], b[2], b[3] = 0x67, 0x62, 0xf0, 0xdd
	return hex.EncodeToString(b[:]) + fmt.Sprintf("%016x", uint64(g.hexSeq)*0x9e3779b97f4a7c15)
}

// num returns a new numeric id rendered as a string.
func (g *ids) num() string {
	g.numSeq++
	return strconv.FormatInt(100+g.numSeq, 10)
}
