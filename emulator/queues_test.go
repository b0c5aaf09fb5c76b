package emulator

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestSendReturnsTheMessageItKeepsAndWrites(t *testing.T) {
	dir := t.TempDir()
	e, _ := bareBus(t, dir)
	q := e.Queues()
	m := q.Send("EventsDLQ", "body", map[string]string{"K": "v"})
	if m.ID == "" || m.SentAt.IsZero() || m.Queue != "alchemiser-events-dlq" || m.Body != "body" {
		t.Fatalf("sent %+v", m)
	}
	kept := q.Messages("EventsDLQ")
	if len(kept) != 1 || kept[0].ID != m.ID {
		t.Fatalf("kept %+v, want the message sent", kept)
	}
	written, err := loadQueueFile(filepath.Join(dir, "queues", "alchemiser-events-dlq.jsonl"))
	if err != nil || len(written) != 1 || written[0].ID != m.ID {
		t.Fatalf("written %+v (%v), want the message sent", written, err)
	}
	if !q.Delete("EventsDLQ", m.ID) || len(q.Messages("EventsDLQ")) != 0 {
		t.Errorf("the message was not deleted")
	}
}

func loadQueueFile(path string) ([]Message, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Message
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, sc.Err()
}
