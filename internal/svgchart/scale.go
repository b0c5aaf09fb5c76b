package svgchart

// Linear maps data values [Lo, Hi] onto pixels [From, To]; From may be
// above To (a y axis grows upwards). A range that is empty (Hi not above
// Lo) maps everything to the middle.
type Linear struct {
	Lo, Hi   float64
	From, To float64
}

// At is v's pixel.
func (s Linear) At(v float64) float64 {
	if !(s.Hi > s.Lo) {
		return (s.From + s.To) / 2
	}
	return s.From + (v-s.Lo)/(s.Hi-s.Lo)*(s.To-s.From)
}
