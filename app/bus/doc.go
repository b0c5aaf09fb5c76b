// Package bus publishes workflow events.
//
// Publisher is the port every handler publishes through. Implementations:
//
//   - EventBridge: PutEvents to a custom bus through aws-sdk-go-v2, at most
//     10 entries per call, failing when any entry fails;
//   - Recorder: an in-memory test kit that keeps what was published.
//
// The local stack (app/local) implements Publisher too, delivering each
// event as an EventBridge envelope to the functions that consume it.
//
// Every publisher stamps the source it was built with
// ("alchemiser.<module>"); the event's type is its detail-type.
package bus
