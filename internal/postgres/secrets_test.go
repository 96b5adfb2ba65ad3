package postgres_test

import (
	"bytes"
	"errors"
	"testing"
)

// TestSecretConcurrentFirstUseAgrees: twenty first uses each generate their
// own value; all must come back with the one that was stored.
func TestSecretConcurrentFirstUseAgrees(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	values := make([][]byte, 20)
	errs := concurrently(len(values), func(i int) error {
		var err error
		values[i], err = store.Secret(t.Context(), "fake-credential-key", func() ([]byte, error) {
			return randomBytes(t, 32), nil
		})
		return err
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for _, v := range values {
		if len(v) != 32 || !bytes.Equal(v, values[0]) {
			t.Fatalf("first uses disagree: %x vs %x", v, values[0])
		}
	}

	later, err := store.Secret(t.Context(), "fake-credential-key", func() ([]byte, error) {
		t.Error("generate called for a secret that exists")
		return nil, errors.New("must not be called")
	})
	if err != nil || !bytes.Equal(later, values[0]) {
		t.Fatalf("later use = %x, %v; want the stored value", later, err)
	}
}

func TestSecretGenerateFailureIsReported(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	boom := errors.New("no entropy")
	_, err := store.Secret(t.Context(), "other", func() ([]byte, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want the generator's error", err)
	}
	value, err := store.Secret(t.Context(), "other", func() ([]byte, error) { return []byte("v1"), nil })
	if err != nil || string(value) != "v1" {
		t.Fatalf("after a failed first use: %q, %v", value, err)
	}
}
