package insights

import (
	"bytes"
	"io"
)

// lineCounter passes a stream through and remembers where its lines
// start, so that a byte offset a json.Decoder reports becomes a line and
// column. It forgets the newlines before an offset the caller will not
// ask about again (forget), so its memory is bounded by how far the
// decoder reads ahead, not by the stream.
type lineCounter struct {
	r      io.Reader
	read   int64   // bytes read so far
	nl     []int64 // offsets of the newlines not forgotten, ascending
	lines  int     // newlines forgotten
	lastNL int64   // offset of the last newline forgotten, -1 if none
}

func newLineCounter(r io.Reader) *lineCounter { return &lineCounter{r: r, lastNL: -1} }

func (c *lineCounter) Read(p []byte) (int, error) {
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
