package dynamodb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/alchemiser/alchemiser/app/idempotency"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// API is the part of *dynamodb.Client the store uses.
type API interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
}

var _ API = (*dynamodb.Client)(nil)

// Attribute names: Powertools' defaults, so the table is the one its
// documentation describes.
const (
	attrID               = "id"                     // S, partition key
	attrStatus           = "status"                 // S
	attrExpiry           = "expiration"             // N, unix seconds; the table's TTL attribute
	attrInProgressExpiry = "in_progress_expiration" // N, unix milliseconds
	attrData             = "data"                   // B, the response
	attrValidation       = "validation"             // S, the payload hash
	attrOwner            = "owner"                  // S, the acquisition's token (not a Powertools attribute)
)

// Store keeps records in a DynamoDB table with partition key "id" (S);
// see the attr constants for the other attributes. Safe for concurrent
// use.
type Store struct {
	client API
	table  string
}

var _ idempotency.Store = (*Store)(nil)

// New returns a store over table.
func New(client API, table string) *Store {
	return &Store{client: client, table: table}
}

// acquireCondition is Powertools' condition: no record, or an expired
// one, or an in-progress one whose invocation's deadline passed. Expiry
// is compared here, not left to TTL, which may delete days late.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
const acquireCondition = "attribute_not_exists(#id) OR #expiry < :now OR " +
	"(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_ms)"

// Acquire implements idempotency.Store with one conditional PutItem. When the
// condition fails it reads the blocking record with a consistent read:
// ReturnValuesOnConditionCheckFailure would save the read, but dynalite,
// which the tests run on, ignores it.
func (s *Store) Acquire(ctx context.Context, r idempotency.Record, now time.Time) (*idempotency.Record, error) {
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           aws.String(s.table),
		Item:                item(r),
		ConditionExpression: aws.String(acquireCondition),
		ExpressionAttributeNames: map[string]string{"#id": attrID, "#expiry": attrExpiry, "#status": attrStatus,
			"#in_progress_expiry": attrInProgressExpiry},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":now":        number(now.Unix()),
			":now_ms":     number(now.UnixMilli()),
			":inprogress": &types.AttributeValueMemberS{Value: string(idempotency.InProgress)},
		},
	})
	var failed *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &failed):
		existing, gerr := s.Get(ctx, r.Key)
		if gerr != nil {
			return nil, gerr
		}
		return existing, idempotency.ErrExists
	case err != nil:
		return nil, fmt.Errorf("could not put idempotency record %s in table %s: %w", r.Key, s.table, err)
	}
	return nil, nil
}

// Complete implements idempotency.Store with an UpdateItem of the fields completion
// changes, as Powertools does, conditional on the owner when r has one.
func (s *Store) Complete(ctx context.Context, r idempotency.Record) error {
	update := "SET #status = :status, #expiry = :expiry, #validation = :validation"
	names := map[string]string{"#status": attrStatus, "#expiry": attrExpiry, "#validation": attrValidation, "#data": attrData}
	values := map[string]types.AttributeValue{
		":status":     &types.AttributeValueMemberS{Value: string(r.Status)},
		":expiry":     number(r.Expiry.Unix()),
		":validation": &types.AttributeValueMemberS{Value: r.PayloadHash},
	}
	if len(r.Response) > 0 {
		update += ", #data = :data"
		values[":data"] = &types.AttributeValueMemberB{Value: r.Response}
	} else {
		update += " REMOVE #data" // an empty binary is not storable everywhere (dynalite)
	}
	in := &dynamodb.UpdateItemInput{TableName: aws.String(s.table), Key: key(r.Key),
		UpdateExpression: aws.String(update), ExpressionAttributeNames: names, ExpressionAttributeValues: values}
	if r.Owner != "" {
		in.ConditionExpression = aws.String("#owner = :owner")
		names["#owner"], values[":owner"] = attrOwner, &types.AttributeValueMemberS{Value: r.Owner}
	}
	_, err := s.client.UpdateItem(ctx, in)
	var failed *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &failed):
		return idempotency.ErrLeaseLost
	case err != nil:
		return fmt.Errorf("could not update idempotency record %s in table %s: %w", r.Key, s.table, err)
	}
	return nil
}

// Extend implements idempotency.Store with a conditional UpdateItem.
func (s *Store) Extend(ctx context.Context, k, owner string, until time.Time) error {
	_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.table), Key: key(k),
		UpdateExpression:         aws.String("SET #in_progress_expiry = :until"),
		ConditionExpression:      aws.String("#status = :inprogress AND #owner = :owner"),
		ExpressionAttributeNames: map[string]string{"#in_progress_expiry": attrInProgressExpiry, "#status": attrStatus, "#owner": attrOwner},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":until":      number(until.UnixMilli()),
			":inprogress": &types.AttributeValueMemberS{Value: string(idempotency.InProgress)},
			":owner":      &types.AttributeValueMemberS{Value: owner},
		}})
	var failed *types.ConditionalCheckFailedException
	switch {
	case errors.As(err, &failed):
		return idempotency.ErrLeaseLost
	case err != nil:
		return fmt.Errorf("could not extend idempotency record %s in table %s: %w", k, s.table, err)
	}
	return nil
}

// Release implements idempotency.Store with a conditional DeleteItem; a failed
// condition means the record is not the caller's, which is no error.
func (s *Store) Release(ctx context.Context, k, owner string) error {
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table), Key: key(k),
		ConditionExpression:      aws.String("#status = :inprogress AND #owner = :owner"),
		ExpressionAttributeNames: map[string]string{"#status": attrStatus, "#owner": attrOwner},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":inprogress": &types.AttributeValueMemberS{Value: string(idempotency.InProgress)},
			":owner":      &types.AttributeValueMemberS{Value: owner},
		}})
	var failed *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &failed) {
		return fmt.Errorf("could not release idempotency record %s in table %s: %w", k, s.table, err)
	}
	return nil
}

// Delete implements idempotency.Store.
func (s *Store) Delete(ctx context.Context, k string) error {
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.table), Key: key(k)})
	if err != nil {
		return fmt.Errorf("could not delete idempotency record %s from table %s: %w", k, s.table, err)
	}
	return nil
}

// Get implements idempotency.Store with a strongly consistent read, so it sees the
// write that just failed the condition.
func (s *Store) Get(ctx context.Context, k string) (*idempotency.Record, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.table), Key: key(k),
		ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, fmt.Errorf("could not read idempotency record %s from table %s: %w", k, s.table, err)
	}
	if len(out.Item) == 0 {
		return nil, nil
	}
	return record(out.Item)
}

func key(k string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{attrID: &types.AttributeValueMemberS{Value: k}}
}

func item(r idempotency.Record) map[string]types.AttributeValue {
	it := map[string]types.AttributeValue{
		attrID:               &types.AttributeValueMemberS{Value: r.Key},
		attrStatus:           &types.AttributeValueMemberS{Value: string(r.Status)},
		attrExpiry:           number(r.Expiry.Unix()),
		attrInProgressExpiry: number(r.InProgressExpiry.UnixMilli()),
		attrValidation:       &types.AttributeValueMemberS{Value: r.PayloadHash},
	}
	if len(r.Response) > 0 {
		it[attrData] = &types.AttributeValueMemberB{Value: r.Response}
	}
	if r.Owner != "" {
		it[attrOwner] = &types.AttributeValueMemberS{Value: r.Owner}
	}
	return it
}

func record(it map[string]types.AttributeValue) (*idempotency.Record, error) {
	r := &idempotency.Record{Key: str(it[attrID]), Status: idempotency.Status(str(it[attrStatus])), PayloadHash: str(it[attrValidation]), Owner: str(it[attrOwner])}
	exp, err := strconv.ParseInt(str(it[attrExpiry]), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("idempotency record %s has a malformed %s: %w", r.Key, attrExpiry, err)
	}
	r.Expiry = time.Unix(exp, 0)
	if v, ok := it[attrInProgressExpiry]; ok { // absent on records of other producers
		ms, err := strconv.ParseInt(str(v), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("idempotency record %s has a malformed %s: %w", r.Key, attrInProgressExpiry, err)
		}
		r.InProgressExpiry = time.UnixMilli(ms)
	}
	if b, ok := it[attrData].(*types.AttributeValueMemberB); ok {
		r.Response = b.Value
	}
	return r, nil
}

// str is the text of an S or N attribute; "" for anything else.
func str(v types.AttributeValue) string {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return v.Value
	case *types.AttributeValueMemberN:
		return v.Value
	}
	return ""
}

func number(n int64) *types.AttributeValueMemberN {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
