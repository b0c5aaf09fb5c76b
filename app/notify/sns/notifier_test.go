package sns

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/alchemiser/alchemiser/app/notify"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// fakeSNS speaks the SNS Query protocol for Publish.
func fakeSNS(t *testing.T, got *url.Values) *sns.Client {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		v, _ := url.ParseQuery(string(body))
		*got = v
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>`)
	}))
	t.Cleanup(srv.Close)
	return sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
}

func TestPublishesJSONStructure(t *testing.T) {
	var got url.Values
	n := &Notifier{Client: fakeSNS(t, &got), TopicARN: "arn:aws:sns:us-east-1:123456789012:alchemiser-notifications"}
	m := notify.Message{Key: "01J-completed", Subject: "Alchemiser: rebalanced\n(é)", Text: "Rebalance plan\nSPY BUY 1.5"}
	if err := n.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if got.Get("Action") != "Publish" || got.Get("TopicArn") != n.TopicARN || got.Get("MessageStructure") != "json" ||
		got.Get("Subject") != "Alchemiser: rebalanced()" {
		t.Errorf("request %v", got)
	}
	if !strings.Contains(got.Get("Message"), `"email":`) || !strings.Contains(got.Get("Message"), "Rebalance plan") {
		t.Errorf("message %s", got.Get("Message"))
	}
}

func TestTruncatesOversizeBodies(t *testing.T) {
	body, err := messageBody(strings.Repeat("line of text\n", 40000))
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > maxBytes || !strings.Contains(body, "[truncated") {
		t.Errorf("body of %d bytes", len(body))
	}
}
