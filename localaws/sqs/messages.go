package sqs

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alchemiser/alchemiser/emulator"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

type attributeValue struct {
	DataType    string `json:"DataType"`
	StringValue string `json:"StringValue,omitempty"`
	BinaryValue []byte `json:"BinaryValue,omitempty"`
}

type message struct {
	MessageID              string                    `json:"MessageId"`
	ReceiptHandle          string                    `json:"ReceiptHandle"`
	MD5OfBody              string                    `json:"MD5OfBody"`
	Body                   string                    `json:"Body"`
	Attributes             map[string]string         `json:"Attributes,omitempty" query:"Attribute,flat,key=Name,value=Value"`
	MD5OfMessageAttributes string                    `json:"MD5OfMessageAttributes,omitempty"`
	MessageAttributes      map[string]attributeValue `json:"MessageAttributes,omitempty" query:"MessageAttribute,flat,key=Name,value=Value"`
}

type receiveMessageIn struct {
	QueueURL                    string   `json:"QueueUrl"`
	AttributeNames              []string `json:"AttributeNames,omitempty" query:"AttributeName,flat"`
	MessageSystemAttributeNames []string `json:"MessageSystemAttributeNames,omitempty" query:"MessageSystemAttributeName,flat"`
	MessageAttributeNames       []string `json:"MessageAttributeNames,omitempty" query:"MessageAttributeName,flat"`
	MaxNumberOfMessages         int32    `json:"MaxNumberOfMessages,omitempty"`
	VisibilityTimeout           *int32   `json:"VisibilityTimeout,omitempty"`
	WaitTimeSeconds             int32    `json:"WaitTimeSeconds,omitempty"`
	ReceiveRequestAttemptID     string   `json:"ReceiveRequestAttemptId,omitempty"`
}

type receiveMessageOut struct {
	Messages []message `json:"Messages,omitempty" query:"Message,flat"`
}

// receiveMessage is ReceiveMessage: up to MaxNumberOfMessages visible
// messages, oldest first, each invisible for the visibility timeout
// after. It never waits: WaitTimeSeconds is only checked
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html).
func (s *SQS) receiveMessage(_ context.Context, in *receiveMessageIn) (*receiveMessageOut, error) {
	q, err := s.queueAt(in.QueueURL)
	if err != nil {
		return nil, err
	}
	max, timeout, err := s.receiveLimits(q, in)
	if err != nil {
		return nil, err
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forget()
	out := &receiveMessageOut{}
	for _, m := range s.queues.Messages(q.id) {
		if len(out.Messages) == max {
			break
		}
		d := s.deliveryOf(m.ID)
		if now.Before(d.visibleAt) {
			continue
		}
		d.receives++
		if d.firstReceive.IsZero() {
			d.firstReceive = now
		}
		d.visibleAt = now.Add(timeout)
		out.Messages = append(out.Messages, s.received(q, m, d, in))
	}
	return out, nil
}

// receiveLimits checks ReceiveMessage's numbers: 1 to 10 messages, a
// visibility timeout of 0 to 12 hours, a wait of 0 to 20 seconds.
func (s *SQS) receiveLimits(q queue, in *receiveMessageIn) (int, time.Duration, error) {
	max := int(in.MaxNumberOfMessages)
	if max == 0 {
		max = 1
	}
	if max < 1 || max > 10 {
		return 0, 0, invalid("Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", max)
	}
	if in.WaitTimeSeconds < 0 || in.WaitTimeSeconds > 20 {
		return 0, 0, invalid("Value %d for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.", in.WaitTimeSeconds)
	}
	secs := s.visibility(q)
	if in.VisibilityTimeout != nil {
		secs = int(*in.VisibilityTimeout)
	}
	if secs < 0 || secs > 43200 {
		return 0, 0, invalid("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.", secs)
	}
	return max, time.Duration(secs) * time.Second, nil
}

// received is message m as ReceiveMessage gives it, with the system and
// message attributes asked for.
func (s *SQS) received(q queue, m emulator.Message, d *delivery, in *receiveMessageIn) message {
	out := message{MessageID: m.ID, ReceiptHandle: newHandle(q.Name, m.ID), MD5OfBody: md5Hex(m.Body), Body: m.Body}
	system := map[string]string{
		"SenderId": s.top.Account, "SentTimestamp": strconv.FormatInt(m.SentAt.UnixMilli(), 10),
		"ApproximateReceiveCount": strconv.Itoa(d.receives), "ApproximateFirstReceiveTimestamp": strconv.FormatInt(d.firstReceive.UnixMilli(), 10),
	}
	for _, n := range append(append([]string(nil), in.AttributeNames...), in.MessageSystemAttributeNames...) {
		for k, v := range system {
			if n == "All" || n == k {
				if out.Attributes == nil {
					out.Attributes = map[string]string{}
				}
				out.Attributes[k] = v
			}
		}
	}
	for k, v := range m.Attributes {
		if wanted(in.MessageAttributeNames, k) {
			if out.MessageAttributes == nil {
				out.MessageAttributes = map[string]attributeValue{}
			}
			out.MessageAttributes[k] = attributeValue{DataType: "String", StringValue: v}
		}
	}
	out.MD5OfMessageAttributes = md5OfAttributes(out.MessageAttributes)
	return out
}

// wanted is whether MessageAttributeNames asks for attribute name: All
// or .*, the name, or a prefix ending in .*.
func wanted(names []string, name string) bool {
	for _, n := range names {
		if n == "All" || n == ".*" || n == name {
			return true
		}
		if p, ok := strings.CutSuffix(n, ".*"); ok && strings.HasPrefix(name, p+".") {
			return true
		}
	}
	return false
}

// newHandle is a receipt handle for message id of queue: the queue and
// the message, and randomness so that each receive has its own.
func newHandle(queue, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(queue + "\n" + id + "\n" + rand.Text()))
}

// parseHandle is the queue and message of a receipt handle.
func parseHandle(h string) (queue, id string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return "", "", false
	}
	parts := strings.Split(string(b), "\n")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return "", "", false
	}
	return parts[0], parts[1], true
}

type deleteMessageIn struct {
	QueueURL      string `json:"QueueUrl"`
	ReceiptHandle string `json:"ReceiptHandle"`
}

type deleteMessageOut struct{}

// deleteMessage is DeleteMessage: by a receipt handle of this queue; a
// message already gone is not an error, as SQS has it
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html).
func (s *SQS) deleteMessage(_ context.Context, in *deleteMessageIn) (*deleteMessageOut, error) {
	q, err := s.queueAt(in.QueueURL)
	if err != nil {
		return nil, err
	}
	name, id, ok := parseHandle(in.ReceiptHandle)
	if !ok || name != q.Name {
		return nil, errBadHandle(in.ReceiptHandle)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queues.Delete(q.id, id)
	delete(s.state, id)
	return &deleteMessageOut{}, nil
}

type sendMessageIn struct {
	QueueURL          string                    `json:"QueueUrl"`
	MessageBody       string                    `json:"MessageBody"`
	DelaySeconds      int32                     `json:"DelaySeconds,omitempty"`
	MessageAttributes map[string]attributeValue `json:"MessageAttributes,omitempty" query:"MessageAttribute,flat,key=Name,value=Value"`
}

type sendMessageOut struct {
	MessageID              string `json:"MessageId"`
	MD5OfMessageBody       string `json:"MD5OfMessageBody"`
	MD5OfMessageAttributes string `json:"MD5OfMessageAttributes,omitempty"`
}

// sendMessage is SendMessage: a body of 1 byte to the queue's maximum
// size, up to 10 string or number attributes, a delay of 0 to 900 s
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html).
func (s *SQS) sendMessage(_ context.Context, in *sendMessageIn) (*sendMessageOut, error) {
	q, err := s.queueAt(in.QueueURL)
	if err != nil {
		return nil, err
	}
	attrs, err := s.validSend(q, in)
	if err != nil {
		return nil, err
	}
	m := s.queues.Send(q.id, in.MessageBody, attrs)
	if in.DelaySeconds > 0 {
		s.mu.Lock()
		s.deliveryOf(m.ID).visibleAt = s.now().Add(time.Duration(in.DelaySeconds) * time.Second)
		s.mu.Unlock()
	}
	return &sendMessageOut{MessageID: m.ID, MD5OfMessageBody: md5Hex(in.MessageBody),
		MD5OfMessageAttributes: md5OfAttributes(in.MessageAttributes)}, nil
}

// validSend checks SendMessage's body, delay and attributes, and returns
// the attributes as the emulator keeps them.
func (s *SQS) validSend(q queue, in *sendMessageIn) (map[string]string, error) {
	size := len(in.MessageBody)
	for k, a := range in.MessageAttributes {
		size += len(k) + len(a.DataType) + len(a.StringValue) + len(a.BinaryValue)
	}
	switch {
	case in.MessageBody == "":
		return nil, invalid("The request must contain the parameter MessageBody.")
	case !utf8.ValidString(in.MessageBody) || strings.ContainsFunc(in.MessageBody, invalidRune):
		return nil, awsapi.Errorf("InvalidMessageContents", "Invalid characters found in the message body.")
	case size > s.prop(q, "MaximumMessageSize", 262144):
		return nil, invalid("One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", s.prop(q, "MaximumMessageSize", 262144))
	case in.DelaySeconds < 0 || in.DelaySeconds > 900:
		return nil, invalid("Value %d for parameter DelaySeconds is invalid. Reason: must be >= 0 and <= 900.", in.DelaySeconds)
	case len(in.MessageAttributes) > 10:
		return nil, invalid("Number of message attributes [%d] exceeds the allowed maximum [10].", len(in.MessageAttributes))
	}
	var attrs map[string]string
	for k, a := range in.MessageAttributes {
		base, _, _ := strings.Cut(a.DataType, ".")
		switch {
		case k == "" || a.DataType == "":
			return nil, invalid("The message attribute %q must have a name and a DataType.", k)
		case base == "Binary":
			return nil, invalid("The message attribute %q is Binary; the local queues keep String and Number attributes only.", k)
		case base != "String" && base != "Number":
			return nil, invalid("The message attribute %q has an invalid type %q.", k, a.DataType)
		case a.StringValue == "":
			return nil, invalid("The message attribute %q must contain a non-empty value of message attribute type %q.", k, a.DataType)
		}
		if attrs == nil {
			attrs = map[string]string{}
		}
		attrs[k] = a.StringValue
	}
	return attrs, nil
}

// invalidRune is outside the characters SQS allows: #x9, #xA, #xD,
// #x20 to #xD7FF, #xE000 to #xFFFD, #x10000 to #x10FFFF.
func invalidRune(r rune) bool {
	return !(r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF))
}
