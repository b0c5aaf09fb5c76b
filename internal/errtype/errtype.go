package errtype

import (
	"context"
	"errors"
	"fmt"
	"path"
	"reflect"
)

// Named is an error that gives its own error type name.
type Named interface {
	ErrorType() string
}

// wrappers are the standard library's wrapping types, which say nothing
// of the failure themselves.
var wrappers = map[reflect.Type]bool{
	reflect.TypeOf(fmt.Errorf("%w", context.Canceled)):                      true, // *fmt.wrapError
	reflect.TypeOf(fmt.Errorf("%w %w", context.Canceled, context.Canceled)): true, // *fmt.wrapErrors
	reflect.TypeOf(errors.Join(context.Canceled)):                           true, // *errors.joinError
}

// Of returns err's type name for grouping (see the package comment); ""
// for nil.
func Of(err error) string {
	for err != nil {
		if n, ok := err.(Named); ok {
			if s := n.ErrorType(); s != "" {
				return s
			}
		}
		t := reflect.TypeOf(err)
		if !wrappers[t] {
			return name(err, t)
		}
		err = first(err)
	}
	return ""
}

// first is the first error a standard wrapper holds, as errors.As
// visits them.
func first(err error) error {
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return u.Unwrap()
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if e != nil {
				return e
			}
		}
	}
	return nil
}

func name(err error, t reflect.Type) string {
	switch err {
	case context.Canceled:
		return "context.Canceled"
	case context.DeadlineExceeded:
		return "context.DeadlineExceeded"
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Name() {
	case "":
		return t.String()
	case "Error":
		return path.Base(t.PkgPath()) + ".Error"
	}
	return t.Name()
}
