package sqs

import "github.com/alchemiser/alchemiser/emulator/awsapi"

func errNoQueue() error {
	return awsapi.Errorf(codeNoQueue, "The specified queue does not exist.")
}

func errInvalidAttribute(name string) error {
	return awsapi.Errorf(codeInvalidAttribute, "Unknown Attribute %s.", name)
}

func errBadHandle(handle string) error {
	return awsapi.Errorf(codeBadHandle, "The input receipt handle %q is not a valid receipt handle.", handle)
}

func invalid(format string, args ...any) error {
	return awsapi.Errorf(codeInvalidParameter, format, args...)
}
