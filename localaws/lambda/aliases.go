package lambda

import (
	"context"
	"fmt"
	"net/http"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/topology"
)

// GetAliasInput is GetAlias's request: the function and the alias name
// in the path.
type GetAliasInput struct {
	FunctionName string `json:"FunctionName"`
	Name         string `json:"Name"`
}

// AliasConfiguration is an alias as GetAlias and ListAliases give it
// (https://docs.aws.amazon.com/lambda/latest/api/API_AliasConfiguration.html).
// The local stack's aliases carry no RoutingConfig: no deploy is ever
// shifting their traffic.
type AliasConfiguration struct {
	AliasArn        string `json:"AliasArn"`
	Name            string `json:"Name"`
	FunctionVersion string `json:"FunctionVersion"`
	Description     string `json:"Description,omitempty"`
	RevisionId      string `json:"RevisionId"` //lint:ignore ST1003 Lambda's field name
}

// ListAliasesInput is ListAliases's request.
type ListAliasesInput struct {
	FunctionName    string `json:"FunctionName"`
	FunctionVersion string `json:"-" querystring:"FunctionVersion"`
	Marker          string `json:"-" querystring:"Marker"`
	MaxItems        int32  `json:"-" querystring:"MaxItems"`
}

// ListAliasesOutput is ListAliases's response; a function has at most
// one alias here, so there is never a NextMarker.
type ListAliasesOutput struct {
	Aliases []AliasConfiguration `json:"Aliases"`
}

// GetAlias describes the function's AutoPublishAlias, pointing at the
// local stack's one version.
func (l *Lambda) GetAlias(_ context.Context, in *GetAliasInput) (*AliasConfiguration, error) {
	f, err := l.function(in.FunctionName, "")
	if err != nil {
		return nil, err
	}
	if f.Alias == "" || in.Name != f.Alias {
		return nil, &awsapi.Error{Code: "ResourceNotFoundException", Status: http.StatusNotFound,
			Message: fmt.Sprintf("Alias not found: %s:%s", f.ARN, in.Name)}
	}
	a := alias(f)
	return &a, nil
}

// ListAliases lists the function's alias, if it has one and it points at
// FunctionVersion (when given).
func (l *Lambda) ListAliases(_ context.Context, in *ListAliasesInput) (*ListAliasesOutput, error) {
	f, err := l.function(in.FunctionName, "")
	if err != nil {
		return nil, err
	}
	out := &ListAliasesOutput{Aliases: []AliasConfiguration{}}
	if f.Alias != "" && (in.FunctionVersion == "" || in.FunctionVersion == topology.LocalVersion) {
		out.Aliases = append(out.Aliases, alias(f))
	}
	return out, nil
}

func alias(f *topology.Function) AliasConfiguration {
	return AliasConfiguration{AliasArn: f.AliasARN, Name: f.Alias, FunctionVersion: topology.LocalVersion,
		Description: "AutoPublishAlias of " + f.LogicalID, RevisionId: revision(f.AliasARN)}
}
