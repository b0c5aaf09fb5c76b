package awsapi_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// A toy SSM and CloudWatch, enough to check the protocols with the SDK.
type getParameterIn struct {
	Name string `json:"Name"`
}
type parameter struct {
	Name             string       `json:"Name"`
	Value            string       `json:"Value"`
	Type             string       `json:"Type"`
	Version          int64        `json:"Version"`
	LastModifiedDate *awsapi.Time `json:"LastModifiedDate,omitempty"`
}
type getParameterOut struct {
	Parameter parameter `json:"Parameter"`
}

type describeAlarmsIn struct {
	AlarmNames []string `json:"AlarmNames"`
	StateValue string   `json:"StateValue"`
}
type metricAlarm struct {
	AlarmName             string       `json:"AlarmName"`
	StateValue            string       `json:"StateValue"`
	StateUpdatedTimestamp *awsapi.Time `json:"StateUpdatedTimestamp,omitempty"`
	Threshold             float64      `json:"Threshold"`
	EvaluationPeriods     int32        `json:"EvaluationPeriods"`
}
type describeAlarmsOut struct {
	MetricAlarms []metricAlarm `json:"MetricAlarms"`
}

var when = time.Date(2026, 12, 4, 14, 40, 0, 250_000_000, time.UTC)

func services() []awsapi.Service {
	ssmSvc := awsapi.Service{SigningName: "ssm", Protocols: awsapi.JSON, TargetPrefix: "AmazonSSM", JSONVersion: "1.1",
		Operations: map[string]awsapi.Operation{
			"GetParameter": awsapi.Op(func(_ context.Context, in *getParameterIn) (*getParameterOut, error) {
				if in.Name != "/alchemiser/trading-enabled" {
					return nil, awsapi.Errorf("ParameterNotFound", "parameter %s not found", in.Name)
				}
				return &getParameterOut{Parameter: parameter{Name: in.Name, Value: "true", Type: "String", Version: 3, LastModifiedDate: awsapi.At(when)}}, nil
			}),
			"Boom": awsapi.Op(func(context.Context, *getParameterIn) (*getParameterOut, error) { panic("boom") }),
		}}
	cw := awsapi.Service{SigningName: "monitoring", Protocols: awsapi.CBOR, CBORName: "GraniteServiceVersion20100801",
		Operations: map[string]awsapi.Operation{
			"DescribeAlarms": awsapi.Op(func(_ context.Context, in *describeAlarmsIn) (*describeAlarmsOut, error) {
				var out describeAlarmsOut
				for _, n := range in.AlarmNames {
					out.MetricAlarms = append(out.MetricAlarms, metricAlarm{AlarmName: n, StateValue: "ALARM",
						StateUpdatedTimestamp: awsapi.At(when), Threshold: 0.5, EvaluationPeriods: 3})
				}
				return &out, nil
			}),
			"Boom": awsapi.Op(func(context.Context, *describeAlarmsIn) (*describeAlarmsOut, error) { panic("boom") }),
		}}
	return []awsapi.Service{ssmSvc, cw}
}

func sdkConfig(t *testing.T) aws.Config {
	t.Helper()
	return clientConfig(t, services()...)
}

// clientConfig is an SDK configuration for a server of svcs.
func clientConfig(t *testing.T, svcs ...awsapi.Service) aws.Config {
	t.Helper()
	srv, err := awsapi.NewServer(svcs)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")}
}

func TestJSONProtocolWithTheSDK(t *testing.T) {
	cfg := sdkConfig(t)
	c := ssm.NewFromConfig(cfg)
	out, err := c.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String("/alchemiser/trading-enabled")})
	if err != nil {
		t.Fatal(err)
	}
	p := out.Parameter
	if aws.ToString(p.Value) != "true" || p.Version != 3 || p.Type != ssmtypes.ParameterTypeString || !p.LastModifiedDate.Equal(when) {
		t.Errorf("parameter %+v (modified %v)", p, p.LastModifiedDate)
	}
	_, err = c.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String("/nope")})
	var nf *ssmtypes.ParameterNotFound
	if !errors.As(err, &nf) {
		t.Errorf("an unknown parameter: %v, want ParameterNotFound", err)
	}
	_, err = c.DeleteParameter(context.Background(), &ssm.DeleteParameterInput{Name: aws.String("/x")})
	if code := errorCode(err); code != awsapi.CodeUnknownOperation {
		t.Errorf("an operation the service lacks: %v (code %q)", err, code)
	}
}

func TestCBORProtocolWithTheSDK(t *testing.T) {
	c := cloudwatch.NewFromConfig(sdkConfig(t))
	out, err := c.DescribeAlarms(context.Background(), &cloudwatch.DescribeAlarmsInput{AlarmNames: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.MetricAlarms) != 2 {
		t.Fatalf("alarms %+v", out.MetricAlarms)
	}
	a := out.MetricAlarms[1]
	if aws.ToString(a.AlarmName) != "b" || a.StateValue != cwtypes.StateValueAlarm || aws.ToFloat64(a.Threshold) != 0.5 ||
		aws.ToInt32(a.EvaluationPeriods) != 3 || !aws.ToTime(a.StateUpdatedTimestamp).Equal(when) {
		t.Errorf("alarm %+v", a)
	}
	_, err = c.ListDashboards(context.Background(), &cloudwatch.ListDashboardsInput{})
	if code := errorCode(err); code != awsapi.CodeUnknownOperation {
		t.Errorf("an operation the service lacks: %v (code %q)", err, code)
	}
}

func errorCode(err error) string {
	var api interface{ ErrorCode() string }
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}
