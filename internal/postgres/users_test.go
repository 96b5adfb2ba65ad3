package postgres_test

import (
	"slices"
	"testing"
	"time"

	"movieapi/internal/domain"
	"movieapi/internal/postgres"
)

func newUser(t *testing.T, username string) domain.User {
	t.Helper()
	name := parseName(t, username)
	return domain.User{Username: name.Display, CanonicalUsername: name.Canonical, Handle: randomBytes(t, domain.UserHandleLength)}
}

// parseName is the domain's reading of a username, as the service stores it.
func parseName(t *testing.T, username string) domain.Username {
	t.Helper()
	name, err := domain.ParseUsername(username)
	if err != nil {
		t.Fatalf("username %q: %v", username, err)
	}
	return name
}

func newCredential(t *testing.T, name string) domain.Credential {
	t.Helper()
	discoverable := true
	return domain.Credential{
		ID:                randomBytes(t, 16),
		PublicKey:         randomBytes(t, 77),
		Algorithm:         -7,
		SignCount:         0,
		AAGUID:            randomBytes(t, 16),
		Transports:        []string{"hybrid", "internal"},
		AttestationFormat: "none",
		UserVerified:      true,
		BackupEligible:    true,
		BackupState:       true,
		Discoverable:      &discoverable,
		Name:              name,
	}
}

// register creates a user with one credential and returns both as stored.
func register(t *testing.T, store *postgres.Store, username string) (domain.User, domain.Credential) {
	t.Helper()
	cred := newCredential(t, "Phone")
	user, err := store.CreateUserWithCredential(t.Context(), newUser(t, username), cred)
	if err != nil {
		t.Fatalf("register %s: %v", username, err)
	}
	stored, err := store.CredentialByID(t.Context(), cred.ID)
	if err != nil {
		t.Fatal(err)
	}
	return user, stored
}

func TestCreateUserWithCredentialStoresBoth(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	ctx := t.Context()
	in := newUser(t, "Alice")
	cred := newCredential(t, "YubiKey")
	cred.SignCount = 7
	cred.Discoverable = nil

	user, err := store.CreateUserWithCredential(ctx, in, cred)
	if err != nil {
		t.Fatal(err)
	}
	if user.ID <= 0 || user.Username != "Alice" || !slices.Equal(user.Handle, in.Handle) || user.CreatedAt.IsZero() {
		t.Fatalf("created user = %+v", user)
	}
	for _, lookup := range []func() (domain.User, error){
		func() (domain.User, error) {
			u, _, err := store.AccountByUsername(ctx, parseName(t, "aLICE"))
			return u, err
		},
		func() (domain.User, error) { _, u, err := store.CredentialWithOwner(ctx, cred.ID); return u, err },
	} {
		got, err := lookup()
		if err != nil || got.ID != user.ID || got.Username != "Alice" || !slices.Equal(got.Handle, in.Handle) {
			t.Fatalf("lookup = %+v, %v; want user %d kept as typed", got, err, user.ID)
		}
	}

	got, err := store.CredentialByID(ctx, cred.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := cred
	want.UserID, want.CreatedAt = user.ID, got.CreatedAt
	if got.CreatedAt.IsZero() || !credentialsEqual(got, want) {
		t.Fatalf("credential round trip:\n got %+v\nwant %+v", got, want)
	}
	list, err := store.CredentialsByUser(ctx, user.ID)
	if err != nil || len(list) != 1 || !slices.Equal(list[0].ID, cred.ID) {
		t.Fatalf("CredentialsByUser = %+v, %v", list, err)
	}
}

func TestConcurrentRegistrationsOfOneUsernameHaveOneWinner(t *testing.T) {
	t.Parallel()
	store := newStore(t)
	errs := concurrently(10, func(int) error {
		_, err := store.CreateUserWithCredential(t.Context(), newUser(t, "Dave"), newCredential(t, "Key"))
		return err
	})
	requireOneWinner(t, errs, "registrations of one username")
}

func credentialsEqual(a, b domain.Credential) bool {
	return slices.Equal(a.ID, b.ID) && a.UserID == b.UserID && slices.Equal(a.PublicKey, b.PublicKey) &&
		a.Algorithm == b.Algorithm && a.SignCount == b.SignCount && slices.Equal(a.AAGUID, b.AAGUID) &&
		slices.Equal(a.Transports, b.Transports) && a.AttestationFormat == b.AttestationFormat &&
		a.UserVerified == b.UserVerified && a.BackupEligible == b.BackupEligible &&
		a.BackupState == b.BackupState && equalPtr(a.Discoverable, b.Discoverable) && a.Name == b.Name &&
		a.CloneWarning == b.CloneWarning && a.CreatedAt.Equal(b.CreatedAt) && equalTimePtr(a.LastUsedAt, b.LastUsedAt)
}

func equalPtr[T comparable](a, b *T) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func equalTimePtr(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }
