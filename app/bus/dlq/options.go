package dlq

// Option tunes a Redrive.
type Option func(*config)

type config struct {
	max    int
	report func(Outcome)
}

func newConfig(opts []Option) config {
	c := config{max: 1000, report: func(Outcome) {}}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithMax bounds how many messages a redrive handles; 1000 by default,
// and when n is not positive.
func WithMax(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.max = n
		}
	}
}

// WithReport calls f with each message's outcome, as it happens (from
// Redrive's goroutine).
func WithReport(f func(Outcome)) Option {
	return func(c *config) {
		if f != nil {
			c.report = f
		}
	}
}
