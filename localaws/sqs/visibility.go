package sqs

import (
	"context"
	"time"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

type changeMessageVisibilityIn struct {
	QueueURL          string `json:"QueueUrl"`
	ReceiptHandle     string `json:"ReceiptHandle"`
	VisibilityTimeout *int32 `json:"VisibilityTimeout"`
}

type changeMessageVisibilityOut struct{}

// changeMessageVisibility is ChangeMessageVisibility: a message in
// flight (received, its visibility timeout not over) becomes visible
// again VisibilityTimeout seconds from now, at once for 0; a message
// not in flight is MessageNotInflight, one no longer in the queue an
// InvalidParameterValue
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html).
func (s *SQS) changeMessageVisibility(_ context.Context, in *changeMessageVisibilityIn) (*changeMessageVisibilityOut, error) {
	q, err := s.queueAt(in.QueueURL)
	if err != nil {
		return nil, err
	}
	name, id, ok := parseHandle(in.ReceiptHandle)
	if !ok || name != q.Name {
		return nil, errBadHandle(in.ReceiptHandle)
	}
	if in.VisibilityTimeout == nil {
		return nil, awsapi.Errorf(codeMissingParameter, "The request must contain the parameter VisibilityTimeout.")
	}
	secs := *in.VisibilityTimeout
	if secs < 0 || secs > 43200 {
		return nil, invalid("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200.", secs)
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forget()
	d, held := s.state[id]
	switch {
	case !s.holds(q, id):
		return nil, invalid("Value %s for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.", in.ReceiptHandle)
	case !held || d.receives == 0 || !now.Before(d.visibleAt):
		return nil, awsapi.Errorf(codeNotInflight, "Message does not exist or is not available for visibility timeout change.")
	}
	d.visibleAt = now.Add(time.Duration(secs) * time.Second)
	return &changeMessageVisibilityOut{}, nil
}

// holds is whether queue q holds message id.
func (s *SQS) holds(q queue, id string) bool {
	for _, m := range s.queues.Messages(q.id) {
		if m.ID == id {
			return true
		}
	}
	return false
}
