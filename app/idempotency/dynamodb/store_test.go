//go:build external

package dynamodb

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/alchemiser/alchemiser/app/idempotency"
	"github.com/alchemiser/alchemiser/app/idempotency/dynalitetest"
	"github.com/alchemiser/alchemiser/app/idempotency/idempotencytest"
)

// The DynamoDB store runs on dynalite, which the test starts on loopback
// (dynalitetest.Start; scripts/dynalite.sh installs it from npm once).

// dynalite starts a server with one table shaped like template.yaml's.
func dynalite(t *testing.T) *dynamodb.Client {
	t.Helper()
	_, client := dynalitetest.Start(t)
	dynalitetest.CreateTable(t, client, "idempotency")
	return client
}

func TestStore(t *testing.T) {
	client := dynalite(t)
	// One table for the suite: its subtests use distinct keys.
	idempotencytest.Run(t, func(*testing.T) idempotency.Store { return New(client, "idempotency") })
}

// The item has Powertools' attributes and types, so the table's TTL
// (on expiration) and other Powertools clients read it, plus owner.
func TestItemLayout(t *testing.T) {
	client, c := dynalite(t), idempotencytest.NewClock()
	g := idempotency.New(New(client, "idempotency"), idempotency.Config{Now: c.Now})
	key := idempotency.Key("execution", "01J #:x") // characters that would break a concatenated expression
	if _, _, err := g.Do(context.Background(), key, []byte("p"), idempotencytest.Respond("orders")); err != nil {
		t.Fatal(err)
	}
	out, err := client.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("idempotency"),
		Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: key}}, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]types.AttributeValue{
		"id":                     &types.AttributeValueMemberS{Value: key},
		"status":                 &types.AttributeValueMemberS{Value: "COMPLETE"},
		"expiration":             &types.AttributeValueMemberN{Value: strconv.FormatInt(c.Now().Unix()+3600, 10)},
		"in_progress_expiration": &types.AttributeValueMemberN{Value: strconv.FormatInt(c.Now().Add(15*time.Minute).UnixMilli(), 10)},
		"data":                   &types.AttributeValueMemberB{Value: []byte("orders")},
		"validation":             &types.AttributeValueMemberS{Value: idempotency.Hash([]byte("p"))},
	}
	// owner, the acquisition's random token, is this kit's own attribute.
	if o, ok := out.Item["owner"].(*types.AttributeValueMemberS); !ok || len(o.Value) != 24 {
		t.Errorf("owner %#v, want a 24-hex-digit string", out.Item["owner"])
	}
	delete(out.Item, "owner")
	if got, wantS := describe(out.Item), describe(want); got != wantS {
		t.Fatalf("item\n %s\nwant\n %s", got, wantS)
	}
}

// describe prints an item's attributes with their types, sorted by name.
func describe(it map[string]types.AttributeValue) string {
	var parts []string
	for name, v := range it {
		switch v := v.(type) {
		case *types.AttributeValueMemberS:
			parts = append(parts, name+"=S:"+v.Value)
		case *types.AttributeValueMemberN:
			parts = append(parts, name+"=N:"+v.Value)
		case *types.AttributeValueMemberB:
			parts = append(parts, name+"=B:"+string(v.Value))
		default:
			parts = append(parts, name+"=?")
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, " ")
}

// A record another producer wrote without in_progress_expiration (or a
// hash) still reads, and blocks or replays as its status says.
func TestReadsSparseRecords(t *testing.T) {
	client, c := dynalite(t), idempotencytest.NewClock()
	ctx := context.Background()
	_, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("idempotency"), Item: map[string]types.AttributeValue{
		"id":         &types.AttributeValueMemberS{Value: "sparse"},
		"status":     &types.AttributeValueMemberS{Value: "COMPLETE"},
		"expiration": number(c.Now().Unix() + 60),
		"data":       &types.AttributeValueMemberB{Value: []byte("old")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	g := idempotency.New(New(client, "idempotency"), idempotency.Config{Now: c.Now})
	if resp, replayed, err := g.Do(ctx, "sparse", []byte("p"), idempotencytest.MustNotRun(t)); err != nil || !replayed || string(resp) != "old" {
		t.Fatalf("%q replayed=%v %v, want the replay", resp, replayed, err)
	}
}

// A DynamoDB failure is an error naming the key, not a duplicate.
func TestErrorsNameTheKey(t *testing.T) {
	client, c := dynalite(t), idempotencytest.NewClock()
	g := idempotency.New(New(client, "no-such-table"), idempotency.Config{Now: c.Now})
	_, _, err := g.Do(context.Background(), "k-missing", []byte("p"), idempotencytest.MustNotRun(t))
	var notFound *types.ResourceNotFoundException
	if err == nil || errors.Is(err, idempotency.ErrExists) || idempotency.IsRetryable(err) || !errors.As(err, &notFound) ||
		!strings.Contains(err.Error(), "k-missing") || !strings.Contains(err.Error(), "no-such-table") {
		t.Fatalf("error %v, want DynamoDB's ResourceNotFoundException naming the key and the table", err)
	}
}
