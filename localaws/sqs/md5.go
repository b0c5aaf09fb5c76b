package sqs

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"maps"
	"slices"
)

// md5Hex is the hex MD5 of s, as MD5OfMessageBody.
func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// md5OfAttributes is MD5OfMessageAttributes as SQS computes it: over
// the attributes sorted by name, each as its name, data type, transport
// type (1 for strings) and value, the strings prefixed with their length
// as 4 big-endian bytes; "" when there are none
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation).
func md5OfAttributes(attrs map[string]attributeValue) string {
	if len(attrs) == 0 {
		return ""
	}
	h := md5.New()
	field := func(s string) {
		_ = binary.Write(h, binary.BigEndian, uint32(len(s)))
		h.Write([]byte(s))
	}
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		a := attrs[name]
		field(name)
		field(a.DataType)
		h.Write([]byte{1})
		field(a.StringValue)
	}
	return hex.EncodeToString(h.Sum(nil))
}
