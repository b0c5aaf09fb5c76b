package lambda

import (
	"context"
	"fmt"

	"github.com/alchemiser/alchemiser/topology"
)

// GetFunctionInput is GetFunction's request.
type GetFunctionInput struct {
	FunctionName string `json:"FunctionName"`
	Qualifier    string `json:"-" querystring:"Qualifier"`
}

// GetFunctionOutput is GetFunction's response.
type GetFunctionOutput struct {
	Configuration FunctionConfiguration `json:"Configuration"`
	Code          FunctionCode          `json:"Code"`
}

// FunctionCode is where the code is; the local stack's is in the process.
type FunctionCode struct {
	RepositoryType string `json:"RepositoryType,omitempty"`
}

// FunctionConfiguration is a function's configuration.
type FunctionConfiguration struct {
	FunctionName     string         `json:"FunctionName"`
	FunctionArn      string         `json:"FunctionArn"`
	Runtime          string         `json:"Runtime,omitempty"`
	Role             string         `json:"Role,omitempty"`
	Handler          string         `json:"Handler,omitempty"`
	Description      string         `json:"Description,omitempty"`
	Timeout          int            `json:"Timeout"`
	MemorySize       int            `json:"MemorySize"`
	LastModified     string         `json:"LastModified"`
	Version          string         `json:"Version"`
	Environment      *Environment   `json:"Environment,omitempty"`
	TracingConfig    *TracingConfig `json:"TracingConfig,omitempty"`
	State            string         `json:"State"`
	LastUpdateStatus string         `json:"LastUpdateStatus"`
	PackageType      string         `json:"PackageType"`
	Architectures    []string       `json:"Architectures,omitempty"`
	LoggingConfig    *LoggingConfig `json:"LoggingConfig,omitempty"`
}

// Environment is a function's environment variables.
type Environment struct {
	Variables map[string]string `json:"Variables"`
}

// TracingConfig is a function's X-Ray tracing mode.
type TracingConfig struct {
	Mode string `json:"Mode"`
}

// LoggingConfig is where and how a function logs.
type LoggingConfig struct {
	LogFormat           string `json:"LogFormat,omitempty"`
	ApplicationLogLevel string `json:"ApplicationLogLevel,omitempty"`
	SystemLogLevel      string `json:"SystemLogLevel,omitempty"`
	LogGroup            string `json:"LogGroup,omitempty"`
}

// lastModified is Lambda's timestamp format for LastModified
// (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html).
const lastModified = "2006-01-02T15:04:05.000-0700"

// GetFunction describes a function as the template deploys it.
func (l *Lambda) GetFunction(_ context.Context, in *GetFunctionInput) (*GetFunctionOutput, error) {
	f, version, err := l.qualified(in.FunctionName, in.Qualifier)
	if err != nil {
		return nil, err
	}
	c := l.configuration(f)
	c.Version = version

	return &GetFunctionOutput{Configuration: c, Code: FunctionCode{RepositoryType: "S3"}}, nil
}

func (l *Lambda) configuration(f *topology.Function) FunctionConfiguration {
	props := l.top.Resources[f.LogicalID].Properties
	c := FunctionConfiguration{FunctionName: f.Name, FunctionArn: f.ARN, Runtime: str(props["Runtime"]),
		Handler: str(props["Handler"]), Description: str(props["Description"]), Timeout: int(f.Timeout.Seconds()),
		MemorySize: f.MemoryMB, LastModified: l.modified.UTC().Format(lastModified), Version: "$LATEST",
		State: "Active", LastUpdateStatus: "Successful", PackageType: "Zip",
		// SAM's transform creates the function's role as <LogicalId>Role.
		Role: fmt.Sprintf("arn:aws:iam::%s:role/%s-%sRole", l.top.Account, l.top.StackName, f.LogicalID)}
	if len(f.Env) > 0 {
		c.Environment = &Environment{Variables: f.Env}
	}
	if mode := str(props["Tracing"]); mode != "" {
		c.TracingConfig = &TracingConfig{Mode: mode}
	}
	if archs, ok := props["Architectures"].([]any); ok {
		for _, a := range archs {
			c.Architectures = append(c.Architectures, str(a))
		}
	}
	// The format and group are the topology's (Globals merged, the
	// group's !Ref resolved); the levels the resource's own, when set.
	c.LoggingConfig = &LoggingConfig{LogFormat: f.LogFormat, LogGroup: f.LogGroup}
	if lc, ok := props["LoggingConfig"].(map[string]any); ok {
		c.LoggingConfig.ApplicationLogLevel, c.LoggingConfig.SystemLogLevel = str(lc["ApplicationLogLevel"]), str(lc["SystemLogLevel"])
	}
	return c
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}
