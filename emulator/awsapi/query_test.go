package awsapi_test

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
)

// A toy CloudFormation: DescribeStacks of one stack.
type describeStacksIn struct {
	StackName string `json:"StackName,omitempty"`
}
type stackOutput struct {
	OutputKey   string `json:"OutputKey"`
	OutputValue string `json:"OutputValue"`
	Description string `json:"Description,omitempty"`
}
type stack struct {
	StackName                   string        `json:"StackName"`
	StackId                     string        `json:"StackId"`
	StackStatus                 string        `json:"StackStatus"`
	CreationTime                *awsapi.Time  `json:"CreationTime"`
	Outputs                     []stackOutput `json:"Outputs"`
	Capabilities                []string      `json:"Capabilities,omitempty"`
	TimeoutInMinutes            *int32        `json:"TimeoutInMinutes,omitempty"`
	EnableTerminationProtection bool          `json:"EnableTerminationProtection"`
}
type describeStacksOut struct {
	Stacks []stack `json:"Stacks"`
}

func cloudFormation() awsapi.Service {
	return awsapi.Service{SigningName: "cloudformation", Protocols: awsapi.Query,
		XMLNamespace: "http://cloudformation.amazonaws.com/doc/2010-05-15/",
		Operations: map[string]awsapi.Operation{
			"DescribeStacks": awsapi.Op(func(_ context.Context, in *describeStacksIn) (*describeStacksOut, error) {
				if in.StackName != "alchemiser" {
					// CloudFormation's answer for a stack it does not have.
					return nil, awsapi.Validationf("Stack with id %s does not exist", in.StackName)
				}
				return &describeStacksOut{Stacks: []stack{{StackName: "alchemiser", StackId: "arn:aws:cloudformation:us-east-1:000000000000:stack/alchemiser/1",
					StackStatus: "CREATE_COMPLETE", CreationTime: awsapi.At(when), TimeoutInMinutes: aws.Int32(30),
					Capabilities: []string{"CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"},
					Outputs: []stackOutput{{OutputKey: "BusName", OutputValue: "alchemiser-bus", Description: "the <bus> & its \"name\""},
						{OutputKey: "Empty", OutputValue: ""}}}}}, nil
			}),
			"Boom": awsapi.Op(func(context.Context, *describeStacksIn) (*describeStacksOut, error) { panic("boom") }),
		}}
}

// A toy SQS, JSON 1.0 for the Go SDK and query for the AWS CLI v2.9.
type getQueueURLIn struct {
	QueueName string `json:"QueueName"`
}
type getQueueURLOut struct {
	QueueUrl string `json:"QueueUrl"`
}
type listQueuesIn struct {
	QueueNamePrefix string `json:"QueueNamePrefix,omitempty"`
}
type listQueuesOut struct {
	QueueUrls []string `json:"QueueUrls" query:"QueueUrl,flat"`
}
type getQueueAttributesIn struct {
	QueueUrl       string   `json:"QueueUrl"`
	AttributeNames []string `json:"AttributeNames" query:"AttributeName,flat"`
}
type getQueueAttributesOut struct {
	Attributes map[string]string `json:"Attributes" query:"Attribute,flat,key=Name,value=Value"`
}
type messageAttributeValue struct {
	DataType    string `json:"DataType"`
	StringValue string `json:"StringValue,omitempty"`
	BinaryValue []byte `json:"BinaryValue,omitempty"`
}
type message struct {
	MessageId         string                           `json:"MessageId"`
	ReceiptHandle     string                           `json:"ReceiptHandle"`
	Body              string                           `json:"Body"`
	Attributes        map[string]string                `json:"Attributes,omitempty" query:"Attribute,flat,key=Name,value=Value"`
	MessageAttributes map[string]messageAttributeValue `json:"MessageAttributes,omitempty" query:"MessageAttribute,flat,key=Name,value=Value"`
}
type receiveMessageIn struct {
	QueueUrl              string   `json:"QueueUrl"`
	MaxNumberOfMessages   int32    `json:"MaxNumberOfMessages,omitempty"`
	AttributeNames        []string `json:"AttributeNames,omitempty" query:"AttributeName,flat"`
	MessageAttributeNames []string `json:"MessageAttributeNames,omitempty" query:"MessageAttributeName,flat"`
}
type receiveMessageOut struct {
	Messages []message `json:"Messages,omitempty" query:"Message,flat"`
}

const queueURL = "http://localhost/000000000000/alchemiser-orders"

func sqsService() awsapi.Service {
	return awsapi.Service{SigningName: "sqs", Protocols: awsapi.JSON | awsapi.Query, TargetPrefix: "AmazonSQS", JSONVersion: "1.0",
		XMLNamespace: "http://queue.amazonaws.com/doc/2012-11-05/",
		QueryErrors:  map[string]string{"QueueDoesNotExist": "AWS.SimpleQueueService.NonExistentQueue;Sender"},
		Operations: map[string]awsapi.Operation{
			"GetQueueUrl": awsapi.Op(func(_ context.Context, in *getQueueURLIn) (*getQueueURLOut, error) {
				if in.QueueName != "alchemiser-orders" {
					return nil, awsapi.Errorf("QueueDoesNotExist", "The specified queue does not exist.")
				}
				return &getQueueURLOut{QueueUrl: queueURL}, nil
			}),
			"ListQueues": awsapi.Op(func(_ context.Context, in *listQueuesIn) (*listQueuesOut, error) {
				return &listQueuesOut{QueueUrls: []string{queueURL, queueURL + "-dlq"}}, nil
			}),
			"GetQueueAttributes": awsapi.Op(func(_ context.Context, in *getQueueAttributesIn) (*getQueueAttributesOut, error) {
				if in.QueueUrl != queueURL {
					return nil, awsapi.Errorf("QueueDoesNotExist", "The specified queue does not exist.")
				}
				out := &getQueueAttributesOut{Attributes: map[string]string{}}
				for _, n := range in.AttributeNames {
					out.Attributes[n] = "value of " + n
				}
				return out, nil
			}),
			"ReceiveMessage": awsapi.Op(func(_ context.Context, in *receiveMessageIn) (*receiveMessageOut, error) {
				var out receiveMessageOut
				for i := range in.MaxNumberOfMessages {
					m := message{MessageId: string(rune('a' + i)), ReceiptHandle: "rh", Body: `{"order":"<1> & 2"}`,
						Attributes: map[string]string{}, MessageAttributes: map[string]messageAttributeValue{}}
					for _, n := range in.AttributeNames {
						m.Attributes[n] = "1764945600000"
					}
					for _, n := range in.MessageAttributeNames {
						m.MessageAttributes[n] = messageAttributeValue{DataType: "String", StringValue: "v-" + n}
					}
					out.Messages = append(out.Messages, m)
				}
				return &out, nil
			}),
		}}
}

func queryConfig(t *testing.T) aws.Config {
	t.Helper()
	return clientConfig(t, cloudFormation(), sqsService())
}

func TestQueryProtocolWithTheSDK(t *testing.T) {
	c := cloudformation.NewFromConfig(queryConfig(t))
	out, err := c.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String("alchemiser")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Stacks) != 1 {
		t.Fatalf("stacks %+v", out.Stacks)
	}
	s := out.Stacks[0]
	if aws.ToString(s.StackName) != "alchemiser" || s.StackStatus != cfntypes.StackStatusCreateComplete ||
		!aws.ToTime(s.CreationTime).Equal(when) || aws.ToInt32(s.TimeoutInMinutes) != 30 ||
		aws.ToBool(s.EnableTerminationProtection) || len(s.Capabilities) != 2 || s.Capabilities[1] != cfntypes.CapabilityCapabilityAutoExpand {
		t.Errorf("stack %+v", s)
	}
	if len(s.Outputs) != 2 || aws.ToString(s.Outputs[0].OutputValue) != "alchemiser-bus" ||
		aws.ToString(s.Outputs[0].Description) != `the <bus> & its "name"` || aws.ToString(s.Outputs[1].OutputKey) != "Empty" {
		t.Errorf("outputs %+v", s.Outputs)
	}

	_, err = c.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String("nope")})
	if code := errorCode(err); code != "ValidationError" || !strings.Contains(err.Error(), "Stack with id nope does not exist") {
		t.Errorf("an unknown stack: %v (code %q), want ValidationError", err, code)
	}
	_, err = c.ListStacks(context.Background(), &cloudformation.ListStacksInput{})
	if code := errorCode(err); code != "InvalidAction" {
		t.Errorf("an action the service lacks: %v (code %q), want InvalidAction", err, code)
	}
}

func TestSQSQueryCompatibleErrorsWithTheSDK(t *testing.T) {
	c := sqs.NewFromConfig(queryConfig(t))
	out, err := c.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String("alchemiser-orders")})
	if err != nil || aws.ToString(out.QueueUrl) != queueURL {
		t.Fatalf("GetQueueUrl: %v, %+v", err, out)
	}
	_, err = c.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String("nope")})
	var missing *sqstypes.QueueDoesNotExist
	if !errors.As(err, &missing) {
		t.Fatalf("an unknown queue: %v (%T), want *types.QueueDoesNotExist", err, err)
	}
	// The query-compatible client reports the query code, as it would
	// have from the query protocol.
	if missing.ErrorCode() != "AWS.SimpleQueueService.NonExistentQueue" {
		t.Errorf("code %q", missing.ErrorCode())
	}
}

// postForm sends a query protocol request signed (in name only) for
// service.
func postForm(t *testing.T, url, service string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if service != "" {
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261205/us-east-1/"+service+"/aws4_request, SignedHeaders=host, Signature=00")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

type errorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Type    string   `xml:"Error>Type"`
	Code    string   `xml:"Error>Code"`
	Message string   `xml:"Error>Message"`
	ID      string   `xml:"RequestId"`
}

func TestQueryProtocolErrors(t *testing.T) {
	srv, err := awsapi.NewServer([]awsapi.Service{cloudFormation(), sqsService()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	for _, tc := range []struct {
		name, service string
		form          url.Values
		status        int
		code, fault   string
		message       string
	}{
		{"unsigned", "", url.Values{"Action": {"DescribeStacks"}}, 403, "MissingAuthenticationToken", "Sender", "not signed"},
		{"unknown service", "s3", url.Values{"Action": {"ListBuckets"}}, 400, "InvalidAction", "Sender", `signed for "s3" (served: cloudformation, sqs)`},
		{"no action", "cloudformation", url.Values{"StackName": {"x"}}, 400, "MissingAction", "Sender", "no Action"},
		{"unknown action", "cloudformation", url.Values{"Action": {"CreateStack"}}, 400, "InvalidAction", "Sender", `"CreateStack"`},
		{"bad member", "sqs", url.Values{"Action": {"ReceiveMessage"}, "MaxNumberOfMessages": {"ten"}}, 400, "InvalidParameterValue", "Sender",
			`value "ten" for parameter MaxNumberOfMessages is invalid`},
		{"bad list index", "sqs", url.Values{"Action": {"ReceiveMessage"}, "AttributeName.0": {"All"}}, 400, "InvalidParameterValue", "Sender",
			`AttributeName.0`},
		{"mapped code", "sqs", url.Values{"Action": {"GetQueueUrl"}, "QueueName": {"nope"}}, 400, "AWS.SimpleQueueService.NonExistentQueue", "Sender",
			"does not exist"},
		{"panic", "cloudformation", url.Values{"Action": {"Boom"}}, 500, "InternalFailure", "Receiver", "boom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := postForm(t, hs.URL, tc.service, tc.form)
			var e errorResponse
			if err := xml.Unmarshal([]byte(body), &e); err != nil {
				t.Fatalf("body %s: %v", body, err)
			}
			if resp.StatusCode != tc.status || e.Code != tc.code || e.Type != tc.fault || !strings.Contains(e.Message, tc.message) || e.ID == "" {
				t.Errorf("status %d, error %+v; want %d %s %s %q", resp.StatusCode, e, tc.status, tc.code, tc.fault, tc.message)
			}
		})
	}
	// The server goes on serving after a panic.
	resp, body := postForm(t, hs.URL, "cloudformation", url.Values{"Action": {"DescribeStacks"}, "StackName": {"alchemiser"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "<StackName>alchemiser</StackName>") {
		t.Errorf("after a panic: %d %s", resp.StatusCode, body)
	}
}
