package notify

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrDuplicate is returned by a notifier that has already delivered a
// message with the same key.
var ErrDuplicate = errors.New("notification already sent")

// Message is one notification.
type Message struct {
	Key     string // correlation id and status: the dedupe key
	Subject string // at most 100 printable ASCII characters
	Text    string
	HTML    string
}

// Notifier delivers messages. Implementations are safe for concurrent use
// and honour ctx.
type Notifier interface {
	Notify(ctx context.Context, m Message) error
}

// maxSubject is SNS's subject limit.
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
const maxSubject = 100

// NewMessage renders s into a message.
func NewMessage(s Summary) (Message, error) {
	html, err := RenderHTML(s)
	if err != nil {
		return Message{}, err
	}
	return Message{
		Key:     s.CorrelationID + "-" + s.Status,
		Subject: Subject("Alchemiser: " + headline(s)),
		Text:    RenderText(s),
		HTML:    html,
	}, nil
}

// subject keeps printable ASCII and cuts to maxSubject characters.
func Subject(s string) string {
	var b strings.Builder
	for _, c := range s {
		if b.Len() == maxSubject {
			break
		}
		if c >= 0x20 && c < 0x7f {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// Multi delivers to every notifier and joins their errors. A duplicate from
// one notifier is not an error of the others.
type Multi []Notifier

var _ Notifier = Multi(nil)

// Notify implements Notifier.
func (m Multi) Notify(ctx context.Context, msg Message) error {
	var errs []error
	for _, n := range m {
		if err := n.Notify(ctx, msg); err != nil && !errors.Is(err, ErrDuplicate) {
			errs = append(errs, fmt.Errorf("%T: %w", n, err))
		}
	}
	return errors.Join(errs...)
}
