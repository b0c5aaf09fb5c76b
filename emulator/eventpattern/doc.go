// Package eventpattern implements Amazon EventBridge event patterns
// (content filtering), written here because no maintained Go
// implementation can be had (quamina cannot be fetched in this build
// environment).
//
// Supported: exact strings, numbers (compared as numbers: 3 matches 3.0),
// booleans and null; arrays as OR; nested objects; arrays in events (a
// pattern matches if any element does); prefix and suffix (each also with
// equals-ignore-case); equals-ignore-case; anything-but with a value, a
// list of strings or of numbers, prefix, suffix, equals-ignore-case or
// wildcard; numeric with =, <, <=, >, >= (one lower and one upper bound at
// most); exists; cidr (IPv4 and IPv6); wildcard; and $or at any level.
//
// Semantics follow the EventBridge user guide:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
// Where the guide is silent we follow aws/event-ruler, the library behind
// EventBridge (https://github.com/aws/event-ruler, README and source):
//
//   - null is a value: exists: true and anything-but match it; a missing
//     field matches neither. Operators apply to leaves only, so a field
//     holding an object has no values (exists: false matches it).
//   - Arrays of objects are array-consistent, as event-ruler's
//     rulesForJSONEvent: no match is recognised in which two fields come
//     from different elements of the same array. Pattern
//     {"employees":{"first":["Anna"],"last":["Jones"]}} does not match
//     employees [{"first":"Anna","last":"Smith"},{"first":"Peter","last":"Jones"}].
//     This holds at every level of nested arrays, and across $or: a field
//     outside $or and one inside it must come from the same element too.
//     exists: false inside an array of objects means "absent from the
//     element the other fields matched in"; with no other field binding
//     that array, absent from all of its elements. (event-ruler checks
//     absence against the fields matched before it in key order, so its
//     answer there can depend on the field names; ours does not.)
//   - $or expands into its combinations, each a conjunction of fields,
//     as event-ruler's JsonRuleCompiler does. A pattern whose $or
//     combinations number more than MaxCombinations is invalid (the
//     guide's limit on $or combinations). Inside $or the operator names
//     (prefix, numeric, cidr, ..., and the names event-ruler reserves)
//     cannot name a field: such a pattern is invalid, not read as a field.
//   - A field referenced more than once in one combination is tested by
//     its last reference, in the order the pattern's JSON is written: the
//     guide's rule for a key given twice ("the last reference will be the
//     one used", content filtering page), which event-ruler applies to a
//     field both inside and outside $or. So {"a":["x"],"$or":[{"a":["y"]},
//     {"b":["z"]}]} matches a = "y", or a = "x" with b = "z"; written with
//     $or first, {"$or":[{"a":["y"]},{"b":["z"]}],"a":["x"]} matches
//     a = "x", or a = "x" with b = "z". Duplicate keys in a pattern object
//     are read in order: leaves replace, objects merge.
//
// Events must be valid JSON (RFC 8259) in full, including the fields the
// pattern does not read: leading zeros (01), bare decimal points (1.),
// trailing commas, bad escapes, control characters, invalid UTF-8 and
// trailing data are errors (*SyntaxError, with the byte offset), as
// PutEvents refuses a Detail that is not JSON. A key given twice in an
// event object keeps its last value, as encoding/json decodes it.
// MatchValid is for events already known valid (the emulator's bus builds
// each envelope around a Detail PutEvents checked): it stops reading
// after the last top-level field the pattern names.
//
// Kept where the guide sides with us against event-ruler:
//   - anything-but takes a single prefix or suffix, not a list
//     ("Anything-but matching only works with a single prefix, not a
//     list", content filtering page);
//   - numeric bounds lie within -1.0e9 and +1.0e9 inclusive ("Numeric
//     matching ... is limited to values between -1.0e9 and +1.0e9
//     inclusive", eb-create-pattern-operators.html#filtering-numeric-matching;
//     event-ruler allows ±5.0e9);
//   - no dotted-key flattening: {"a.b":[1]} names a field called "a.b",
//     not b inside a (the field names "must also appear in the event with
//     the same nesting structure", eb-create-pattern.html; event-ruler
//     joins path steps with dots and so confuses the two);
//   - no normalisation of IP-looking strings: an exact value is compared
//     character by character ("EventBridge uses exact character-by-character
//     matching without case-folding or any other string normalization",
//     eb-create-pattern.html#eb-create-pattern-considerations), where
//     event-ruler turns an exact "10.0.0.1" into an address range.
//
// cidr: an address matches a block of its own family, as written
// ("IP address matching ... for IPv4 and IPv6 addresses",
// eb-create-pattern-operators.html#eb-filtering-ip-matching): 10.0.0.0/8
// matches "10.1.2.3", not "::ffff:10.1.2.3". A block written as an
// IPv4-mapped IPv6 prefix (::ffff:10.0.0.0/104) is an invalid pattern
// naming the IPv4 block to write instead, as EventBridge refuses it:
// event-ruler rejects the dotted form as a nonstandard address, and the
// guide gives no meaning to a block of IPv4 addresses in IPv6 form.
//
// Limits: a pattern is at most MaxLength (2048) characters and expands
// into at most MaxCombinations (1000) $or combinations; an event nests at
// most 10000 levels (as encoding/json). Matching is linear in the values
// on the pattern's paths times the combinations, and allocates nothing
// but the unescaped copies of strings with escapes on those paths.
package eventpattern
