package chromiumtest

import (
	"cmp"
	"image"
	"slices"
	"strconv"
	"strings"
)

// FindFrames returns the insides of the plot frames drawn in frameColor
// ("#rrggbb"), top to bottom and left to right: horizontal runs of the
// frame colour at least 40 px long make bands; a band with another below
// it over the same columns, joined by frame-coloured sides, is a frame.
// It is how a screenshot test tells that a chart was drawn where the DOM
// says it is.
func FindFrames(img image.Image, frameColor string) []image.Rectangle {
	fc := HexRGB(frameColor)
	type band struct{ x0, x1, top, bottom int }
	var bands []band
	bnd := img.Bounds()
	for y := bnd.Min.Y; y < bnd.Max.Y; y++ {
		for x := bnd.Min.X; x < bnd.Max.X; {
			if !Near(img, x, y, fc, 10) {
				x++
				continue
			}
			x0 := x
			for x < bnd.Max.X && Near(img, x, y, fc, 10) {
				x++
			}
			if x-x0 < 40 {
				continue
			}
			joined := false
			for i := range bands {
				if b := &bands[i]; abs(b.x0-x0) <= 2 && abs(b.x1-x) <= 2 && y-b.bottom <= 1 {
					b.bottom, joined = y, true
					break
				}
			}
			if !joined {
				bands = append(bands, band{x0, x, y, y})
			}
		}
	}
	var out []image.Rectangle
	used := make([]bool, len(bands))
	for i, top := range bands {
		if used[i] {
			continue
		}
		for j := i + 1; j < len(bands); j++ {
			bot := bands[j]
			if used[j] || abs(bot.x0-top.x0) > 2 || abs(bot.x1-top.x1) > 2 || bot.top-top.bottom < 10 {
				continue
			}
			if side(img, top.x0, top.bottom+1, bot.top-1, fc) {
				used[i], used[j] = true, true
				out = append(out, image.Rect(top.x0+3, top.bottom+2, top.x1-3, bot.top-1))
			}
			break
		}
	}
	slices.SortFunc(out, func(a, b image.Rectangle) int {
		return cmp.Or(cmp.Compare(a.Min.Y/10, b.Min.Y/10), cmp.Compare(a.Min.X, b.Min.X))
	})
	return out
}

// side reports whether the column x (or its neighbour) is frame-coloured
// from y0 to y1.
func side(img image.Image, x, y0, y1 int, fc [3]int) bool {
	for _, cx := range []int{x, x + 1} {
		n := 0
		for y := y0; y <= y1; y++ {
			if Near(img, cx, y, fc, 10) {
				n++
			}
		}
		if n >= (y1-y0+1)*9/10 {
			return true
		}
	}
	return false
}

// Colored counts the pixels of r within 24 (RGB distance) of any of
// colors: a chart's series drawn inside its frame.
func Colored(img image.Image, r image.Rectangle, colors ...[3]int) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if slices.ContainsFunc(colors, func(c [3]int) bool { return Near(img, x, y, c, 24) }) {
				n++
			}
		}
	}
	return n
}

// Near reports whether the pixel at x, y is within tol (RGB distance) of c.
func Near(img image.Image, x, y int, c [3]int, tol int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	dr, dg, db := int(r>>8)-c[0], int(g>>8)-c[1], int(b>>8)-c[2]
	return dr*dr+dg*dg+db*db <= tol*tol
}

// HexRGB reads "#rrggbb".
func HexRGB(s string) [3]int {
	v, _ := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	return [3]int{int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
