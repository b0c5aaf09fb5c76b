package sqs

import (
	"context"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
)

type getQueueURLIn struct {
	QueueName              string `json:"QueueName"`
	QueueOwnerAWSAccountID string `json:"QueueOwnerAWSAccountId,omitempty"`
}

type getQueueURLOut struct {
	QueueURL string `json:"QueueUrl"`
}

// getQueueURL is GetQueueUrl
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueUrl.html).
func (s *SQS) getQueueURL(_ context.Context, in *getQueueURLIn) (*getQueueURLOut, error) {
	q, ok := s.queueNamed(in.QueueName)
	if !ok || (in.QueueOwnerAWSAccountID != "" && in.QueueOwnerAWSAccountID != s.top.Account) {
		return nil, errNoQueue()
	}
	return &getQueueURLOut{QueueURL: s.url(q)}, nil
}

type listQueuesIn struct {
	QueueNamePrefix string `json:"QueueNamePrefix,omitempty"`
	NextToken       string `json:"NextToken,omitempty"`
	MaxResults      int32  `json:"MaxResults,omitempty"`
}

type listQueuesOut struct {
	QueueURLs []string `json:"QueueUrls,omitempty" query:"QueueUrl,flat"`
	NextToken string   `json:"NextToken,omitempty"`
}

// listQueues is ListQueues: up to 1000 queues by name; with MaxResults
// a NextToken names the next one
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueues.html).
func (s *SQS) listQueues(_ context.Context, in *listQueuesIn) (*listQueuesOut, error) {
	if in.MaxResults < 0 || in.MaxResults > 1000 {
		return nil, invalid("Value %d for parameter MaxResults is invalid. Reason: must be between 1 and 1000.", in.MaxResults)
	}
	from := ""
	if in.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		if err != nil || len(b) == 0 {
			return nil, invalid("Invalid NextToken value %q.", in.NextToken)
		}
		from = string(b)
	}
	limit := int(in.MaxResults)
	if limit == 0 {
		limit = 1000
	}
	out := &listQueuesOut{}
	for _, name := range s.names() {
		if !strings.HasPrefix(name, in.QueueNamePrefix) || name < from {
			continue
		}
		if len(out.QueueURLs) == limit {
			if in.MaxResults > 0 { // AWS gives a token only to a request with MaxResults
				out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(name))
			}
			break
		}
		q, _ := s.queueNamed(name)
		out.QueueURLs = append(out.QueueURLs, s.url(q))
	}
	return out, nil
}

type getQueueAttributesIn struct {
	QueueURL       string   `json:"QueueUrl"`
	AttributeNames []string `json:"AttributeNames,omitempty" query:"AttributeName,flat"`
}

type getQueueAttributesOut struct {
	Attributes map[string]string `json:"Attributes,omitempty" query:"Attribute,flat,key=Name,value=Value"`
}

// queueAttributes are the attributes served, in the API reference's
// order
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html).
var queueAttributes = []string{
	"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessagesNotVisible",
	"CreatedTimestamp", "DelaySeconds", "LastModifiedTimestamp", "MaximumMessageSize", "MessageRetentionPeriod",
	"QueueArn", "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout", "SqsManagedSseEnabled",
}

// getQueueAttributes is GetQueueAttributes: the names asked for, or
// All; none when none are asked for.
func (s *SQS) getQueueAttributes(_ context.Context, in *getQueueAttributesIn) (*getQueueAttributesOut, error) {
	q, err := s.queueAt(in.QueueURL)
	if err != nil {
		return nil, err
	}
	names := in.AttributeNames
	if slices.Contains(names, "All") {
		names = queueAttributes
	}
	for _, n := range names {
		if !slices.Contains(queueAttributes, n) {
			return nil, errInvalidAttribute(n)
		}
	}
	all := s.attributes(q)
	out := &getQueueAttributesOut{Attributes: map[string]string{}}
	for _, n := range names {
		out.Attributes[n] = all[n]
	}
	return out, nil
}

// attributes are every attribute of queue q now.
func (s *SQS) attributes(q queue) map[string]string {
	visible, inFlight, delayed := s.counts(q)
	created := strconv.FormatInt(s.created.Unix(), 10)
	sse := "false"
	if v, ok := s.top.Resources[q.id].Properties["SqsManagedSseEnabled"]; ok && strings.EqualFold(str(v), "true") {
		sse = "true"
	}
	return map[string]string{
		"ApproximateNumberOfMessages": strconv.Itoa(visible), "ApproximateNumberOfMessagesNotVisible": strconv.Itoa(inFlight),
		"ApproximateNumberOfMessagesDelayed": strconv.Itoa(delayed), "CreatedTimestamp": created, "LastModifiedTimestamp": created,
		"DelaySeconds": strconv.Itoa(s.prop(q, "DelaySeconds", 0)), "MaximumMessageSize": strconv.Itoa(s.prop(q, "MaximumMessageSize", 262144)),
		"MessageRetentionPeriod": strconv.Itoa(s.prop(q, "MessageRetentionPeriod", 345600)), "QueueArn": q.ARN,
		"ReceiveMessageWaitTimeSeconds": strconv.Itoa(s.prop(q, "ReceiveMessageWaitTimeSeconds", 0)),
		"VisibilityTimeout":             strconv.Itoa(s.visibility(q)), "SqsManagedSseEnabled": sse,
	}
}

// visibility is queue q's visibility timeout in seconds; SQS's default
// is 30.
func (s *SQS) visibility(q queue) int { return s.prop(q, "VisibilityTimeout", 30) }

// counts are queue q's visible, in-flight and delayed messages.
func (s *SQS) counts(q queue) (visible, inFlight, delayed int) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.queues.Messages(q.id) {
		d, ok := s.state[m.ID]
		switch {
		case !ok || !now.Before(d.visibleAt):
			visible++
		case d.receives > 0:
			inFlight++
		default:
			delayed++
		}
	}
	return visible, inFlight, delayed
}

func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if b, ok := v.(bool); ok {
		return strconv.FormatBool(b)
	}
	return ""
}
