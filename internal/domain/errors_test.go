package domain

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestKindOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"nil", nil, nil},
		{"public error", NotFound("movie not found"), ErrNotFound},
		{"wrapped public error", fmt.Errorf("loading: %w", Conflict("taken")), ErrConflict},
		{"bare sentinel", ErrUnauthorized, ErrUnauthorized},
		{"wrapped sentinel", fmt.Errorf("x: %w", ErrInvalid), ErrInvalid},
		{"outage with its cause", Unavailable(errors.New("connection refused")), ErrUnavailable},
		{"rate limited", &RateLimitedError{}, ErrRateLimited},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), ErrUnavailable},
		{"a bug", errors.New("relation \"movis\" does not exist"), nil},
		{"cancelled by the client, unclassified", context.Canceled, nil},
	} {
		if got := KindOf(tc.err); !errors.Is(got, tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("%s: KindOf = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestEveryKindIsKnown: each sentinel is found by KindOf, so none can be
// left out of the one list.
func TestEveryKindIsKnown(t *testing.T) {
	for _, kind := range []error{ErrInvalid, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrRateLimited, ErrUnavailable} {
		if !HasKind(fmt.Errorf("wrapped: %w", kind), kind) {
			t.Errorf("%v is not in the list of kinds", kind)
		}
	}
}
