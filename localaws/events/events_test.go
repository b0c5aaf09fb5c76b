package events_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/alchemiser/alchemiser/app/local"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/localaws/events"
)

const (
	busName    = "alchemiser-bus"
	busARN     = "arn:aws:events:us-east-1:000000000000:event-bus/alchemiser-bus"
	archive    = "alchemiser-BusArchive"
	archiveARN = "arn:aws:events:us-east-1:000000000000:archive/alchemiser-BusArchive"
)

var t0 = time.Date(2026, 3, 2, 14, 35, 0, 0, time.UTC)

// served is a local stack in a temporary run directory, without waits,
// and an SDK client of its EventBridge API on loopback.
func served(t *testing.T) (*local.Stack, *events.Events, *eventbridge.Client) {
	t.Helper()
	s, err := local.New(context.Background(), local.Config{RunDir: t.TempDir(), Seed: 1, TimeScale: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	e, err := events.New(events.Config{Bus: s.Bus, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	srv, err := awsapi.NewServer([]awsapi.Service{e.Service()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return s, e, eventbridge.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(hs.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")})
}

func failed(t time.Time) types.PutEventsRequestEntry {
	return types.PutEventsRequestEntry{EventBusName: aws.String(busName), Source: aws.String("alchemiser.execution"),
		DetailType: aws.String("WorkflowFailed"), Detail: aws.String(`{"metadata":{"event_id":"01TEST"}}`), Time: aws.Time(t)}
}

func TestPutEventsReachesTheRulesTarget(t *testing.T) {
	s, _, c := served(t)
	ctx := context.Background()
	out, err := c.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{
		failed(t0),
		{EventBusName: aws.String(busName), Source: aws.String("alchemiser.execution"), Detail: aws.String(`{}`)},
		{EventBusName: aws.String("nope"), Source: aws.String("x"), DetailType: aws.String("y"), Detail: aws.String(`{}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if out.FailedEntryCount != 2 || len(out.Entries) != 3 || aws.ToString(out.Entries[0].EventId) == "" ||
		aws.ToString(out.Entries[1].ErrorCode) != "InvalidArgument" || aws.ToString(out.Entries[2].ErrorCode) != "ResourceNotFoundException" {
		t.Fatalf("PutEvents: %+v", out)
	}
	s.Bus.Wait()
	st := s.Bus.Stats()
	if st.MatchedEvents.Load() != 1 || st.FunctionInvocations.Load() == 0 {
		t.Errorf("matched %d events, invoked functions %d times; want the one event to reach the notifications function",
			st.MatchedEvents.Load(), st.FunctionInvocations.Load())
	}

	_, err = c.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: slices.Repeat([]types.PutEventsRequestEntry{failed(t0)}, 11)})
	if code := errorCode(err); code != "ValidationException" {
		t.Errorf("11 entries: %v, want ValidationException", err)
	}
}

func TestListRulesPagesByName(t *testing.T) {
	s, _, c := served(t)
	var want []string
	for _, r := range s.Top.Rules {
		if r.Bus == "Bus" {
			want = append(want, r.Name)
		}
	}
	slices.Sort(want)
	if len(want) < 3 {
		t.Fatalf("the template's bus has %d rules; the test needs three", len(want))
	}
	var got []string
	var token *string
	for pages := 1; ; pages++ {
		out, err := c.ListRules(context.Background(), &eventbridge.ListRulesInput{EventBusName: aws.String(busARN), Limit: aws.Int32(2), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.Rules {
			if r.State != types.RuleStateEnabled || aws.ToString(r.EventBusName) != busName || !strings.HasPrefix(aws.ToString(r.EventPattern), "{") ||
				!strings.HasPrefix(aws.ToString(r.Arn), "arn:aws:events:us-east-1:000000000000:rule/alchemiser-bus/") {
				t.Errorf("rule %+v", r)
			}
			got = append(got, aws.ToString(r.Name))
		}
		if token = out.NextToken; token == nil {
			break
		}
		if pages > len(want) {
			t.Fatal("the pages do not end")
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("rules %v, want %v", got, want)
	}
	some, err := c.ListRules(context.Background(), &eventbridge.ListRulesInput{EventBusName: aws.String(busName), NamePrefix: aws.String(want[0])})
	if err != nil || len(some.Rules) == 0 || aws.ToString(some.Rules[0].Name) != want[0] {
		t.Errorf("NamePrefix: %+v, %v", some, err)
	}
	_, err = c.ListRules(context.Background(), &eventbridge.ListRulesInput{EventBusName: aws.String(busName), NextToken: aws.String("!!")})
	if code := errorCode(err); code != "ValidationException" {
		t.Errorf("a made-up token: %v", err)
	}
	_, err = c.ListRules(context.Background(), &eventbridge.ListRulesInput{EventBusName: aws.String("nope")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("an unknown bus: %v", err)
	}
}

func TestDescribeEventBus(t *testing.T) {
	_, _, c := served(t)
	out, err := c.DescribeEventBus(context.Background(), &eventbridge.DescribeEventBusInput{Name: aws.String(busName)})
	if err != nil || aws.ToString(out.Arn) != busARN || aws.ToString(out.Name) != busName {
		t.Errorf("%+v, %v", out, err)
	}
	def, err := c.DescribeEventBus(context.Background(), &eventbridge.DescribeEventBusInput{})
	if err != nil || aws.ToString(def.Name) != "default" {
		t.Errorf("the default bus: %+v, %v", def, err)
	}
	_, err = c.DescribeEventBus(context.Background(), &eventbridge.DescribeEventBusInput{Name: aws.String("nope")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("an unknown bus: %v", err)
	}
}

func TestArchiveAndReplay(t *testing.T) {
	s, e, c := served(t)
	ctx := context.Background()
	if _, err := c.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{failed(t0), failed(t0.Add(time.Hour))}}); err != nil {
		t.Fatal(err)
	}
	s.Bus.Wait()
	arc, err := c.DescribeArchive(ctx, &eventbridge.DescribeArchiveInput{ArchiveName: aws.String(archive)})
	if err != nil {
		t.Fatal(err)
	}
	if arc.EventCount != 2 || arc.SizeBytes <= 0 || arc.State != types.ArchiveStateEnabled || aws.ToInt32(arc.RetentionDays) != 90 ||
		aws.ToString(arc.ArchiveArn) != archiveARN || aws.ToString(arc.EventSourceArn) != busARN || !strings.Contains(aws.ToString(arc.EventPattern), "alchemiser.") {
		t.Errorf("archive %+v", arc)
	}
	list, err := c.ListArchives(ctx, &eventbridge.ListArchivesInput{EventSourceArn: aws.String(busARN)})
	if err != nil || len(list.Archives) != 1 || list.Archives[0].EventCount != 2 {
		t.Errorf("ListArchives: %+v, %v", list, err)
	}

	start := &eventbridge.StartReplayInput{ReplayName: aws.String("r1"), EventSourceArn: aws.String(archiveARN),
		EventStartTime: aws.Time(t0.Add(-time.Minute)), EventEndTime: aws.Time(t0.Add(time.Minute)),
		Destination: &types.ReplayDestination{Arn: aws.String(busARN)}}
	started, err := c.StartReplay(ctx, start)
	if err != nil || started.State != types.ReplayStateStarting || !aws.ToTime(started.ReplayStartTime).Equal(t0) {
		t.Fatalf("StartReplay: %+v, %v", started, err)
	}
	_ = e.Close() // the replay has run
	s.Bus.Wait()
	got, err := c.DescribeReplay(ctx, &eventbridge.DescribeReplayInput{ReplayName: aws.String("r1")})
	if err != nil {
		t.Fatal(err)
	}
	if got.State != types.ReplayStateCompleted || !aws.ToTime(got.EventLastReplayedTime).Equal(t0) || aws.ToTime(got.ReplayEndTime).IsZero() ||
		aws.ToString(got.Destination.Arn) != busARN || aws.ToString(got.EventSourceArn) != archiveARN {
		t.Errorf("replay %+v", got)
	}
	if n := s.Bus.Stats().Replayed.Load(); n != 1 {
		t.Errorf("replayed %d events, want the one in the window", n)
	}

	_, err = c.StartReplay(ctx, start)
	var exists *types.ResourceAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Errorf("a second replay r1: %v, want ResourceAlreadyExistsException", err)
	}
	bad := *start
	bad.ReplayName, bad.Destination = aws.String("r2"), &types.ReplayDestination{Arn: aws.String("arn:aws:events:us-east-1:000000000000:event-bus/default")}
	if _, err := c.StartReplay(ctx, &bad); errorCode(err) != "ValidationException" {
		t.Errorf("another bus as destination: %v", err)
	}
	bad = *start
	bad.ReplayName, bad.EventEndTime = aws.String("r3"), start.EventStartTime
	if _, err := c.StartReplay(ctx, &bad); errorCode(err) != "ValidationException" {
		t.Errorf("an empty window: %v", err)
	}
	bad = *start
	bad.ReplayName, bad.EventSourceArn = aws.String("r4"), aws.String(archiveARN+"x")
	var nf *types.ResourceNotFoundException
	if _, err := c.StartReplay(ctx, &bad); !errors.As(err, &nf) {
		t.Errorf("an unknown archive: %v", err)
	}
	if _, err := c.DescribeReplay(ctx, &eventbridge.DescribeReplayInput{ReplayName: aws.String("r2")}); !errors.As(err, &nf) {
		t.Errorf("a replay that did not start: %v", err)
	}
	if _, err := c.DescribeArchive(ctx, &eventbridge.DescribeArchiveInput{ArchiveName: aws.String("nope")}); !errors.As(err, &nf) {
		t.Errorf("an unknown archive: %v", err)
	}
	replays, err := c.ListReplays(ctx, &eventbridge.ListReplaysInput{State: types.ReplayStateCompleted})
	if err != nil || len(replays.Replays) != 1 || aws.ToString(replays.Replays[0].ReplayName) != "r1" {
		t.Errorf("ListReplays: %+v, %v", replays, err)
	}
}

func errorCode(err error) string {
	var api interface{ ErrorCode() string }
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}
