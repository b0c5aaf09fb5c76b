// Package cfnyaml writes the generated parts of template.yaml: CloudFormation
// resources built as Go values (structs with yaml tags) and encoded by
// yaml.v3, and Splice, which puts such a section in place between its
// marker comments. The alarms, the saved queries and the dashboards are
// generated through it.
//
// The values choose the template's style, since yaml.v3 would otherwise
// pick its own: Sub, QuotedSub, Ref and Expr are the intrinsic functions in
// short form (!Sub, !Ref, !GetAtt); Quoted, SingleQuoted and Literal force a
// scalar's quoting; Flow writes a mapping or sequence on one line. A section
// is indented two spaces under Resources, two spaces a level, with no line
// width limit, each resource on consecutive lines (a blank line after each
// when Spaced), the markers on lines of their own.
package cfnyaml
