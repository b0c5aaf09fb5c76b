package insights

import (
	"bytes"
	"errors"
	"io"
)

// lineCounter passes a stream through and remembers where its lines
// start, so that a byte offset a json.Decoder reports becomes a line and
// column. It forgets the newlines before an offset the caller will not
// ask about again (forget), so its memory is bounded by how far the
// decoder reads ahead, not by the stream.
//
// With a limit, it refuses to read on once it has read more than limit
// bytes past the offset last given to forget, and reads at most readAhead
// bytes at a time: a value over the limit (by up to readAhead) is refused
// before it is in memory whole.
type lineCounter struct {
	r      io.Reader
	read   int64   // bytes read so far
	nl     []int64 // offsets of the newlines not forgotten, ascending
	lines  int     // newlines forgotten
	lastNL int64   // offset of the last newline forgotten, -1 if none
	from   int64   // the offset last given to forget
	limit  int64   // 0: none
}

// readAhead is the most one read takes.
const readAhead = 64 << 10

// errValueTooLarge is the read error past the limit.
var errValueTooLarge = errors.New("a value over the limit")

func newLineCounter(r io.Reader) *lineCounter { return &lineCounter{r: r, lastNL: -1} }

func (c *lineCounter) Read(p []byte) (int, error) {
	if c.limit > 0 {
		if c.read-c.from > c.limit {
			return 0, errValueTooLarge
		}
		p = p[:min(len(p), readAhead)]
	}
	n, err := c.r.Read(p)
	for i := 0; i < n; {
		j := bytes.IndexByte(p[i:n], '\n')
		if j < 0 {
			break
		}
		c.nl = append(c.nl, c.read+int64(i+j))
		i += j + 1
	}
	c.read += int64(n)
	return n, err
}

// forget drops the newlines before off.
func (c *lineCounter) forget(off int64) {
	c.from = max(c.from, off)
	k := 0
	for k < len(c.nl) && c.nl[k] < off {
		k++
	}
	if k > 0 {
		c.lines += k
		c.lastNL = c.nl[k-1]
		c.nl = c.nl[k:]
	}
}

// pos is the line and column (from 1, in bytes) of byte offset off, which
// must not be before an offset given to forget.
func (c *lineCounter) pos(off int64) (line, col int) {
	line, last := c.lines, c.lastNL
	for _, n := range c.nl {
		if n >= off {
			break
		}
		line, last = line+1, n
	}
	return line + 1, int(off - last)
}
