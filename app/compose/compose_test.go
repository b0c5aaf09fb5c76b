package compose_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/alchemiser/alchemiser/app/compose"
	"github.com/alchemiser/alchemiser/app/handlers"
	"github.com/alchemiser/alchemiser/app/idempotency"
)

func TestChainOrder(t *testing.T) {
	noise := func(h handlers.Func) handlers.Func { return h }
	for _, c := range []struct {
		fn   string
		d    compose.Deps
		opts []compose.Option
		want []string
	}{
		{"scheduler", compose.Deps{Idempotency: idempotency.NewMemoryStore()}, nil, nil},
		{"strategy", compose.Deps{}, nil, []string{compose.ClaimCheck}},
		{"execution", compose.Deps{Idempotency: idempotency.NewMemoryStore()}, nil, []string{compose.ClaimCheck, compose.Idempotency}},
		{"portfolio", compose.Deps{Idempotency: idempotency.NewMemoryStore()},
			[]compose.Option{compose.WithMiddleware("a", noise), compose.WithMiddleware("b", noise)},
			[]string{"a", "b", compose.ClaimCheck, compose.Idempotency}},
		{"scheduler", compose.Deps{}, []compose.Option{compose.WithMiddleware("a", noise)}, []string{"a"}},
	} {
		f, err := compose.Build(c.fn, c.d, c.opts...)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(f.Chain, c.want) {
			t.Errorf("%s: chain %v, want %v", c.fn, f.Chain, c.want)
		}
	}
}

// The extras run in the order given, around the claim check resolution.
func TestExtrasWrapInOrder(t *testing.T) {
	var calls []string
	mw := func(name string) compose.Option {
		return compose.WithMiddleware(name, func(next handlers.Func) handlers.Func {
			return func(ctx context.Context, raw json.RawMessage) error {
				calls = append(calls, name)
				return next(ctx, raw)
			}
		})
	}
	f, err := compose.Build("scheduler", compose.Deps{}, mw("outer"), mw("inner"))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.Handler.Invoke(context.Background(), []byte(`{"trigger":"bogus"}`))
	if !slices.Equal(calls, []string{"outer", "inner"}) {
		t.Errorf("calls %v", calls)
	}
}

func TestUnknownFunction(t *testing.T) {
	if _, err := compose.Build("nope", compose.Deps{}); err == nil {
		t.Error("built a function the workflow does not have")
	}
}
