package ssm

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// Service is SSM's API over the parameters.
func (s *SSM) Service() awsapi.Service {
	return awsapi.Service{SigningName: "ssm", Protocols: awsapi.JSON, TargetPrefix: "AmazonSSM", JSONVersion: "1.1",
		Operations: map[string]awsapi.Operation{
			"GetParameter":  awsapi.Op(s.getParameter),
			"GetParameters": awsapi.Op(s.getParameters),
			"PutParameter":  awsapi.Op(s.putParameter),
		}}
}

type parameterOut struct {
	Name             string       `json:"Name"`
	Type             string       `json:"Type"`
	Value            string       `json:"Value"`
	Version          int64        `json:"Version"`
	LastModifiedDate *awsapi.Time `json:"LastModifiedDate,omitempty"`
	ARN              string       `json:"ARN"`
	DataType         string       `json:"DataType"`
}

func (s *SSM) out(p *Parameter) parameterOut {
	return parameterOut{Name: p.Name, Type: p.Type, Value: p.Value, Version: p.Version,
		LastModifiedDate: awsapi.At(p.LastModified), ARN: s.arn(p.Name), DataType: p.DataType}
}

type getParameterIn struct {
	Name           string `json:"Name"`
	WithDecryption bool   `json:"WithDecryption"`
}

type getParameterOut struct {
	Parameter parameterOut `json:"Parameter"`
}

// getParameter is GetParameter
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html).
func (s *SSM) getParameter(_ context.Context, in *getParameterIn) (*getParameterOut, error) {
	if in.Name == "" {
		return nil, awsapi.Validationf("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.lookup(in.Name)
	if !ok {
		return nil, awsapi.Errorf("ParameterNotFound", "Parameter %s not found.", in.Name)
	}
	return &getParameterOut{Parameter: s.out(p)}, nil
}

type getParametersIn struct {
	Names          []string `json:"Names"`
	WithDecryption bool     `json:"WithDecryption"`
}

type getParametersOut struct {
	Parameters        []parameterOut `json:"Parameters"`
	InvalidParameters []string       `json:"InvalidParameters"`
}

// getParameters is GetParameters: 1 to 10 names; those not found are
// listed in InvalidParameters, not an error
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html).
func (s *SSM) getParameters(_ context.Context, in *getParametersIn) (*getParametersOut, error) {
	if n := len(in.Names); n < 1 || n > 10 {
		return nil, awsapi.Validationf("1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 10 (got %d)", n)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &getParametersOut{Parameters: []parameterOut{}, InvalidParameters: []string{}}
	for _, name := range in.Names {
		if p, ok := s.lookup(name); ok {
			out.Parameters = append(out.Parameters, s.out(p))
		} else if !slices.Contains(out.InvalidParameters, name) {
			out.InvalidParameters = append(out.InvalidParameters, name)
		}
	}
	return out, nil
}

type putParameterIn struct {
	Name        string `json:"Name"`
	Value       string `json:"Value"`
	Type        string `json:"Type"`
	Overwrite   bool   `json:"Overwrite"`
	Description string `json:"Description"`
	DataType    string `json:"DataType"`
}

type putParameterOut struct {
	Version int64  `json:"Version"`
	Tier    string `json:"Tier"`
}

// types are the parameter types
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html#systemsmanager-PutParameter-request-Type).
var types = []string{"String", "StringList", "SecureString"}

// putParameter is PutParameter: an existing name needs Overwrite, and
// each put adds one to its Version; the file is written before it
// answers.
func (s *SSM) putParameter(_ context.Context, in *putParameterIn) (*putParameterOut, error) {
	if err := validPut(in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, exists := s.lookup(in.Name)
	switch {
	case exists && !in.Overwrite:
		return nil, awsapi.Errorf("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
	case !exists && in.Type == "":
		return nil, awsapi.Validationf("A parameter type is required when you create a parameter.")
	case !exists:
		p = &Parameter{Name: in.Name, DataType: "text"}
	}
	next := *p
	next.Value, next.Version, next.LastModified = in.Value, p.Version+1, s.now().UTC()
	if in.Type != "" {
		next.Type = in.Type
	}
	if in.Description != "" {
		next.Description = in.Description
	}
	if in.DataType != "" {
		next.DataType = in.DataType
	}
	prev, had := s.params[next.Name]
	s.params[next.Name] = &next
	if err := s.save(); err != nil {
		if had {
			s.params[next.Name] = prev
		} else {
			delete(s.params, next.Name)
		}
		return nil, fmt.Errorf("could not keep parameter %s: %w", next.Name, err)
	}
	return &putParameterOut{Version: next.Version, Tier: "Standard"}, nil
}

// validPut checks PutParameter's members as the API reference bounds
// them: a name of at most 2048 characters without the reserved aws/ssm
// prefixes, a value of at most 4 KB, a known type and data type.
func validPut(in *putParameterIn) error {
	lower := strings.ToLower(strings.TrimPrefix(in.Name, "/"))
	switch {
	case in.Name == "" || len(in.Name) > 2048:
		return awsapi.Validationf("1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length between 1 and 2048")
	case strings.HasPrefix(lower, "aws") || strings.HasPrefix(lower, "ssm"):
		return awsapi.Validationf("Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive).")
	case in.Value == "":
		return awsapi.Validationf("1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1")
	case len(in.Value) > 4096:
		return awsapi.Validationf("Standard tier parameters support a maximum parameter value of 4096 characters.")
	case in.Type != "" && !slices.Contains(types, in.Type):
		return awsapi.Validationf("1 validation error detected: Value '%s' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]", in.Type)
	case in.DataType != "" && in.DataType != "text":
		return awsapi.Validationf("The following data type is not supported locally: %s", in.DataType)
	}
	return nil
}
