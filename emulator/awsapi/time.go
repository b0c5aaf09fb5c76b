package awsapi

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/fxamacker/cbor/v2"
)

// Time is a timestamp member: epoch seconds (with milliseconds as a
// fraction) in JSON, a CBOR tag 1 epoch in rpcv2Cbor, and ISO 8601 in the
// query protocol, as Smithy's default timestamp formats for those
// protocols are (https://smithy.io/2.0/spec/protocol-traits.html#timestampformat-trait).
type Time struct{ time.Time }

// At is t as a Time member; the zero time is an absent member.
func At(t time.Time) *Time {
	if t.IsZero() {
		return nil
	}
	return &Time{t}
}

// MarshalJSON writes epoch seconds, milliseconds as the fraction.
func (t Time) MarshalJSON() ([]byte, error) {
	ms := t.UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

// UnmarshalJSON reads epoch seconds, or an ISO 8601 string.
func (t *Time) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		s, err := strconv.Unquote(string(b))
		if err != nil {
			return err
		}
		return t.UnmarshalText([]byte(s))
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Errorf("timestamp %s is not epoch seconds", b)
	}
	t.Time = fromEpoch(f)
	return nil
}

// MarshalText writes ISO 8601 with milliseconds, UTC.
func (t Time) MarshalText() ([]byte, error) {
	return []byte(t.UTC().Format("2006-01-02T15:04:05.000Z")), nil
}

// UnmarshalText reads ISO 8601 (RFC 3339, fraction optional), or epoch
// seconds as the AWS CLI also accepts.
func (t *Time) UnmarshalText(b []byte) error {
	s := string(b)
	if v, err := time.Parse(time.RFC3339Nano, s); err == nil {
		t.Time = v
		return nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		t.Time = fromEpoch(f)
		return nil
	}
	return fmt.Errorf("timestamp %q is neither ISO 8601 nor epoch seconds", s)
}

// MarshalCBOR writes tag 1 with epoch seconds.
func (t Time) MarshalCBOR() ([]byte, error) {
	return cbor.Marshal(cbor.Tag{Number: 1, Content: float64(t.UnixMilli()) / 1000})
}

// UnmarshalCBOR reads tag 1 with an integer or floating epoch.
func (t *Time) UnmarshalCBOR(b []byte) error {
	var tag cbor.Tag
	if err := cbor.Unmarshal(b, &tag); err != nil {
		return fmt.Errorf("timestamp is not a CBOR tag 1: %w", err)
	}
	if tag.Number != 1 {
		return fmt.Errorf("timestamp has CBOR tag %d, want 1", tag.Number)
	}
	switch v := tag.Content.(type) {
	case uint64:
		t.Time = time.Unix(int64(min(v, math.MaxInt64/2)), 0).UTC()
	case int64:
		t.Time = time.Unix(v, 0).UTC()
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return fmt.Errorf("timestamp %v is not a time", v)
		}
		t.Time = fromEpoch(v)
	case float32:
		t.Time = fromEpoch(float64(v))
	default:
		return fmt.Errorf("timestamp holds %T, want a number", v)
	}
	return nil
}

func fromEpoch(f float64) time.Time {
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1000))*int64(time.Millisecond)).UTC()
}
