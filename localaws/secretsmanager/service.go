package secretsmanager

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// Service is Secrets Manager's API over the secrets.
func (s *SecretsManager) Service() awsapi.Service {
	return awsapi.Service{SigningName: "secretsmanager", Protocols: awsapi.JSON, TargetPrefix: "secretsmanager", JSONVersion: "1.1",
		Operations: map[string]awsapi.Operation{
			"GetSecretValue": awsapi.Op(s.getSecretValue),
			"PutSecretValue": awsapi.Op(s.putSecretValue),
		}}
}

const codeInvalidParameter = "InvalidParameterException"

func notFound(format string, args ...any) error {
	return awsapi.Errorf("ResourceNotFoundException", format, args...)
}

type getSecretValueIn struct {
	SecretID     string `json:"SecretId"`
	VersionID    string `json:"VersionId,omitempty"`
	VersionStage string `json:"VersionStage,omitempty"`
}

type getSecretValueOut struct {
	ARN           string       `json:"ARN"`
	Name          string       `json:"Name"`
	VersionID     string       `json:"VersionId"`
	SecretString  *string      `json:"SecretString,omitempty"`
	SecretBinary  []byte       `json:"SecretBinary,omitempty"`
	VersionStages []string     `json:"VersionStages"`
	CreatedDate   *awsapi.Time `json:"CreatedDate,omitempty"`
}

// getSecretValue is GetSecretValue: AWSCURRENT unless VersionId or
// VersionStage says otherwise; with both, the version must carry the
// stage.
func (s *SecretsManager) getSecretValue(_ context.Context, in *getSecretValueIn) (*getSecretValueOut, error) {
	if in.SecretID == "" {
		return nil, awsapi.Errorf(codeInvalidParameter, "SecretId is required.")
	}
	stage := in.VersionStage
	if stage == "" && in.VersionID == "" {
		stage = Current
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, ok := s.lookup(in.SecretID)
	if !ok {
		return nil, notFound("Secrets Manager can't find the specified secret.")
	}
	v, ok := sec.version(in.VersionID, stage)
	if !ok {
		return nil, notFound("Secrets Manager can't find the specified secret value for VersionId: %q, staging label: %q", in.VersionID, stage)
	}
	return &getSecretValueOut{ARN: sec.ARN, Name: sec.Name, VersionID: v.ID, SecretString: v.String,
		SecretBinary: v.Binary, VersionStages: slices.Clone(v.Stages), CreatedDate: awsapi.At(v.Created)}, nil
}

type putSecretValueIn struct {
	SecretID           string   `json:"SecretId"`
	ClientRequestToken string   `json:"ClientRequestToken,omitempty"`
	SecretString       *string  `json:"SecretString,omitempty"`
	SecretBinary       []byte   `json:"SecretBinary,omitempty"`
	VersionStages      []string `json:"VersionStages,omitempty"`
}

type putSecretValueOut struct {
	ARN           string   `json:"ARN"`
	Name          string   `json:"Name"`
	VersionID     string   `json:"VersionId"`
	VersionStages []string `json:"VersionStages"`
}

// putSecretValue is PutSecretValue: a new version with the stages
// given (AWSCURRENT by default), written before it answers.
func (s *SecretsManager) putSecretValue(_ context.Context, in *putSecretValueIn) (*putSecretValueOut, error) {
	if err := validPut(in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, ok := s.lookup(in.SecretID)
	if !ok {
		return nil, notFound("Secrets Manager can't find the specified secret.")
	}
	if in.ClientRequestToken != "" {
		if v, ok := sec.version(in.ClientRequestToken, ""); ok {
			return s.samePut(sec, v, in)
		}
	}
	before := snapshot(sec)
	v := &Version{ID: in.ClientRequestToken, String: in.SecretString, Binary: in.SecretBinary, Created: s.now().UTC()}
	if v.ID == "" {
		v.ID = uuid()
	}
	sec.Versions = append(sec.Versions, v)
	stages := in.VersionStages
	if len(stages) == 0 {
		stages = []string{Current}
	}
	for _, label := range stages {
		sec.stage(v, label)
	}
	sec.prune()
	if err := s.save(); err != nil {
		s.secrets[sec.Name] = before
		return nil, fmt.Errorf("could not keep the new version of %s: %w", sec.Name, err)
	}
	return &putSecretValueOut{ARN: sec.ARN, Name: sec.Name, VersionID: v.ID, VersionStages: slices.Clone(v.Stages)}, nil
}

// samePut answers a put whose token names an existing version: the
// same value is the same request, another one an error.
func (s *SecretsManager) samePut(sec *Secret, v *Version, in *putSecretValueIn) (*putSecretValueOut, error) {
	same := bytes.Equal(v.Binary, in.SecretBinary) && (v.String == nil) == (in.SecretString == nil) &&
		(v.String == nil || *v.String == *in.SecretString)
	if !same {
		return nil, awsapi.Errorf("ResourceExistsException", "You can't modify an existing version, you can only create a new version.")
	}
	return &putSecretValueOut{ARN: sec.ARN, Name: sec.Name, VersionID: v.ID, VersionStages: slices.Clone(v.Stages)}, nil
}

// validPut checks PutSecretValue's members as the API reference bounds
// them: one of SecretString and SecretBinary, at most 65,536 bytes; a
// token of 32 to 64 characters; stages of 1 to 256 characters.
func validPut(in *putSecretValueIn) error {
	switch {
	case in.SecretID == "":
		return awsapi.Errorf(codeInvalidParameter, "SecretId is required.")
	case (in.SecretString == nil) == (in.SecretBinary == nil):
		return awsapi.Errorf(codeInvalidParameter, "You must provide either SecretString or SecretBinary, but not both.")
	case in.SecretString != nil && len(*in.SecretString) > 65536, len(in.SecretBinary) > 65536:
		return awsapi.Errorf(codeInvalidParameter, "The secret value is over 65536 bytes.")
	case in.ClientRequestToken != "" && (len(in.ClientRequestToken) < 32 || len(in.ClientRequestToken) > 64):
		return awsapi.Errorf(codeInvalidParameter, "ClientRequestToken must be 32 to 64 characters.")
	case len(in.VersionStages) > 20:
		return awsapi.Errorf(codeInvalidParameter, "At most 20 staging labels.")
	}
	for _, l := range in.VersionStages {
		if l == "" || len(l) > 256 {
			return awsapi.Errorf(codeInvalidParameter, "A staging label must be 1 to 256 characters.")
		}
	}
	return nil
}

// snapshot is a deep copy of sec, to restore when a write fails.
func snapshot(sec *Secret) *Secret {
	c := &Secret{Name: sec.Name, ARN: sec.ARN}
	for _, v := range sec.Versions {
		cv := *v
		cv.Stages = slices.Clone(v.Stages)
		c.Versions = append(c.Versions, &cv)
	}
	return c
}
