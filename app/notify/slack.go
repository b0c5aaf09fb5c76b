package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// Slack posts messages to an incoming webhook.
type Slack struct {
	WebhookURL string
	HTTPClient *http.Client // http.DefaultClient when nil
}

var _ Notifier = (*Slack)(nil)

// Notify posts the subject and the text as a code block.
func (s *Slack) Notify(ctx context.Context, m Message) error {
	payload, err := json.Marshal(map[string]any{
		"text": m.Subject,
		"blocks": []map[string]any{
			{"type": "section", "text": map[string]string{"type": "mrkdwn", "text": "*" + m.Subject + "*"}},
			{"type": "section", "text": map[string]string{"type": "mrkdwn", "text": "```" + cut(m.Text, 2900) + "```"}},
		},
	})
	if err != nil {
		return fmt.Errorf("could not encode Slack message: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.WebhookURL, bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("could not build Slack request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	c := s.HTTPClient
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		// The webhook URL is the secret, and *url.Error's text carries it:
		// report the cause without the URL.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("could not post to Slack: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("could not post to Slack: status %d: %s", resp.StatusCode, bytes.TrimSpace(body))
	}
	return nil
}

// cut keeps at most n bytes of s; Slack section text is limited to 3000.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "\n..."
}
