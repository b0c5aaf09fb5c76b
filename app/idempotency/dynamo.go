package idempotency

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DynamoAPI is the part of *dynamodb.Client the store uses.
type DynamoAPI interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
}

// DynamoStore keeps records in a DynamoDB table with partition key "id"
// (S) and the attributes Powertools uses: status, expiration (unix
// seconds, also the table's TTL attribute), in_progress_expiration (unix
// milliseconds), data (the response) and validation (the payload hash).
type DynamoStore struct {
	client DynamoAPI
	table  string
}

// NewDynamoStore returns a store over table.
func NewDynamoStore(client DynamoAPI, table string) *DynamoStore {
	return &DynamoStore{client: client, table: table}
}

// acquireCondition is Powertools' condition: no record, or an expired
// one, or an in-progress one whose invocation's deadline passed. Expiry
// is compared here, not left to TTL, which may delete up to days late.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
const acquireCondition = "attribute_not_exists(#id) OR #expiry < :now OR " +
	"(#status = :inprogress AND attribute_exists(#inprogress_expiry) AND #inprogress_expiry < :now_ms)"

// Acquire implements Store with one conditional PutItem. When the
// condition fails it reads the blocking record with a consistent read
// (ReturnValuesOnConditionCheckFailure would save the read, but is not
// available everywhere this runs, e.g. dynalite).
func (s *DynamoStore) Acquire(ctx context.Context, r Record, now time.Time) (*Record, error) {
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           aws.String(s.table),
		Item:                item(r),
		ConditionExpression: aws.String(acquireCondition),
		ExpressionAttributeNames: map[string]string{"#id": "id", "#expiry": "expiration", "#status": "status",
			"#inprogress_expiry": "in_progress_expiration"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":now":        number(now.Unix()),
			":now_ms":     number(now.UnixMilli()),
			":inprogress": &types.AttributeValueMemberS{Value: string(InProgress)},
		},
	})
	var failed *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &failed):
		existing, gerr := s.Get(ctx, r.Key)
		if gerr != nil {
			return nil, gerr
		}
		return existing, ErrExists
	case err != nil:
		return nil, fmt.Errorf("dynamodb PutItem %s: %w", s.table, err)
	}
	return nil, nil
}

// Complete implements Store.
func (s *DynamoStore) Complete(ctx context.Context, r Record) error {
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.table), Item: item(r)})
	if err != nil {
		return fmt.Errorf("dynamodb PutItem %s: %w", s.table, err)
	}
	return nil
}

// Delete implements Store.
func (s *DynamoStore) Delete(ctx context.Context, key string) error {
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table),
		Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: key}}})
	if err != nil {
		return fmt.Errorf("dynamodb DeleteItem %s: %w", s.table, err)
	}
	return nil
}

// Get implements Store with a strongly consistent read.
func (s *DynamoStore) Get(ctx context.Context, key string) (*Record, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"id": &types.AttributeValueMemberS{Value: key}}})
	if err != nil {
		return nil, fmt.Errorf("dynamodb GetItem %s: %w", s.table, err)
	}
	if len(out.Item) == 0 {
		return nil, nil
	}
	return record(out.Item)
}

func item(r Record) map[string]types.AttributeValue {
	it := map[string]types.AttributeValue{
		"id":                     &types.AttributeValueMemberS{Value: r.Key},
		"status":                 &types.AttributeValueMemberS{Value: string(r.Status)},
		"expiration":             number(r.Expiry.Unix()),
		"in_progress_expiration": number(r.InProgressExpiry.UnixMilli()),
		"validation":             &types.AttributeValueMemberS{Value: r.PayloadHash},
	}
	if len(r.Response) > 0 {
		it["data"] = &types.AttributeValueMemberB{Value: r.Response}
	}
	return it
}

func record(it map[string]types.AttributeValue) (*Record, error) {
	r := &Record{}
	var err error
	get := func(name string) string {
		switch v := it[name].(type) {
		case *types.AttributeValueMemberS:
			return v.Value
		case *types.AttributeValueMemberN:
			return v.Value
		}
		return ""
	}
	r.Key, r.Status, r.PayloadHash = get("id"), Status(get("status")), get("validation")
	exp, err1 := strconv.ParseInt(get("expiration"), 10, 64)
	ipe, err2 := strconv.ParseInt(get("in_progress_expiration"), 10, 64)
	if err = errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("idempotency record %s is malformed: %w", r.Key, err)
	}
	r.Expiry, r.InProgressExpiry = time.Unix(exp, 0), time.UnixMilli(ipe)
	if b, ok := it["data"].(*types.AttributeValueMemberB); ok {
		r.Response = b.Value
	}
	return r, nil
}

func number(n int64) *types.AttributeValueMemberN {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
