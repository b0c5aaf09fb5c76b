package idempotency

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

	"github.com/alchemiser/alchemiser/app/idempotency/dynalitetest"
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

func TestDynamoStore(t *testing.T) {
	client := dynalite(t)
	// One table for the suite: its subtests use distinct keys.
	testStore(t, func(*testing.T) Store { return NewDynamoStore(client, "idempotency") })
}

// The item has Powertools' attributes and types, so the table's TTL
// (on expiration) and other Powertools clients read it, plus owner.
func TestDynamoStoreItemLayout(t *testing.T) {
	client, c := dynalite(t), newClock()
	g := New(NewDynamoStore(client, "idempotency"), Config{Now: c.now})
	key := Key("execution", "01J #:x") // characters that would break a concatenated expression
	if _, _, err := g.Do(context.Background(), key, []byte("p"), respond("orders")); err != nil {
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
		"expiration":             &types.AttributeValueMemberN{Value: strconv.FormatInt(c.now().Unix()+3600, 10)},
		"in_progress_expiration": &types.AttributeValueMemberN{Value: strconv.FormatInt(c.now().Add(15*time.Minute).UnixMilli(), 10)},
		"data":                   &types.AttributeValueMemberB{Value: []byte("orders")},
		"validation":             &types.AttributeValueMemberS{Value: Hash([]byte("p"))},
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
func TestDynamoStoreReadsSparseRecords(t *testing.T) {
	client, c := dynalite(t), newClock()
	ctx := context.Background()
	_, err := client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("idempotency"), Item: map[string]types.AttributeValue{
		"id":         &types.AttributeValueMemberS{Value: "sparse"},
		"status":     &types.AttributeValueMemberS{Value: "COMPLETE"},
		"expiration": number(c.now().Unix() + 60),
		"data":       &types.AttributeValueMemberB{Value: []byte("old")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	g := New(NewDynamoStore(client, "idempotency"), Config{Now: c.now})
	if resp, replayed, err := g.Do(ctx, "sparse", []byte("p"), mustNotRun(t)); err != nil || !replayed || string(resp) != "old" {
		t.Fatalf("%q replayed=%v %v, want the replay", resp, replayed, err)
	}
}

// A DynamoDB failure is an error naming the key, not a duplicate.
func TestDynamoStoreErrorsNameTheKey(t *testing.T) {
	client, c := dynalite(t), newClock()
	g := New(NewDynamoStore(client, "no-such-table"), Config{Now: c.now})
	_, _, err := g.Do(context.Background(), "k-missing", []byte("p"), mustNotRun(t))
	var notFound *types.ResourceNotFoundException
	if err == nil || errors.Is(err, ErrExists) || IsRetryable(err) || !errors.As(err, &notFound) ||
		!strings.Contains(err.Error(), "k-missing") || !strings.Contains(err.Error(), "no-such-table") {
		t.Fatalf("error %v, want DynamoDB's ResourceNotFoundException naming the key and the table", err)
	}
}
