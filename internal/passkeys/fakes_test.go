package passkeys

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"movieapi/internal/domain"
)

// memStore is an in-memory implementation of every port the service uses,
// with the semantics the ports document (canonical usernames, atomic
// counter rule, single-use ceremonies, sessions indexed by user). It
// counts calls and can be told to fail a method, to stand in for an outage.
type memStore struct {
	mu           sync.Mutex // users, credentials, secrets (the PostgreSQL side)
	smu          sync.Mutex // sessions and ceremonies (the Redis side)
	cmu          sync.Mutex // calls and failures
	nextUserID   int64
	users        map[int64]domain.User
	creds        []domain.Credential // insertion order is creation order
	secrets      map[string][]byte
	sessions     map[string]domain.Session
	userSessions map[int64][]string

	ceremonies map[string][]byte
	calls      map[string]int
	failures   map[string]error
	// ceremonyFor, when set, answers every TakeCeremony in place of the
	// stored ceremonies (fuzzing reaches verification without having to
	// guess a challenge).
	ceremonyFor func(kind domain.CeremonyKind, challenge string) []byte
}

func newMemStore() *memStore {
	return &memStore{
		users:        map[int64]domain.User{},
		secrets:      map[string][]byte{},
		sessions:     map[string]domain.Session{},
		userSessions: map[int64][]string{},
		ceremonies:   map[string][]byte{},
		calls:        map[string]int{},
		failures:     map[string]error{},
	}
}

var errOutage = domain.Unavailable(errors.New("connection refused"))

// failOn makes method return err from now on.
func (m *memStore) failOn(method string, err error) {
	m.cmu.Lock()
	defer m.cmu.Unlock()
	m.failures[method] = err
}

func (m *memStore) callCount(method string) int {
	m.cmu.Lock()
	defer m.cmu.Unlock()
	return m.calls[method]
}

// enter records a call and returns the injected failure, if any.
func (m *memStore) enter(method string) error {
	m.cmu.Lock()
	defer m.cmu.Unlock()
	m.calls[method]++
	return m.failures[method]
}

func (m *memStore) AccountByUsername(_ context.Context, name domain.Username) (domain.User, []domain.Credential, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.enter("AccountByUsername"); err != nil {
		return domain.User{}, nil, err
	}
	for _, u := range m.users {
		if u.Canonical() == name.Canonical {
			return u, m.credentialsOf(u.ID), nil
		}
	}
	return domain.User{}, nil, domain.ErrNotFound
}

// credentialsOf lists userID's credentials in creation order, never nil.
// The caller holds m.mu.
func (m *memStore) credentialsOf(userID int64) []domain.Credential {
	out := []domain.Credential{}
	for _, c := range m.creds {
		if c.UserID == userID {
			out = append(out, c)
		}
	}
	return out
}

func (m *memStore) CreateUserWithCredential(_ context.Context, u domain.User, c domain.Credential) (domain.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.enter("CreateUserWithCredential"); err != nil {
		return domain.User{}, err
	}
	for _, existing := range m.users {
		if existing.Canonical() == u.Canonical() {
			return domain.User{}, domain.ErrConflict
		}
	}
	if m.credIndex(c.ID) >= 0 {
		return domain.User{}, domain.ErrConflict
	}
	m.nextUserID++
	u.ID = m.nextUserID
	m.users[u.ID] = u
	c.UserID = u.ID
	m.creds = append(m.creds, c)
	return u, nil
}

func (m *memStore) credIndex(id []byte) int {
	return slices.IndexFunc(m.creds, func(c domain.Credential) bool { return bytes.Equal(c.ID, id) })
}

func (m *memStore) AddCredential(_ context.Context, c domain.Credential) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.enter("AddCredential"); err != nil {
		return err
	}
	if m.credIndex(c.ID) >= 0 {
		return domain.ErrConflict
	}
	m.creds = append(m.creds, c)
	return nil
}

func (m *memStore) CredentialsByUser(_ context.Context, userID int64) ([]domain.Credential, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.enter("CredentialsByUser"); err != nil {
		return nil, err
	}
	return m.credentialsOf(userID), nil
}

func (m *memStore) CredentialByID(_ context.Context, id []byte) (domain.Credential, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.enter("CredentialByID"); err != nil {
		return domain.Credential{}, err
	}
	if i := m.credIndex(id); i >= 0 {
		return m.creds[i], nil
	}
	return domain.Credential{}, domain.ErrNotFound
}

func (m *memStore) CredentialWithOwner(_ context.Context, id []byte) (domain.Credential, domain.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.enter("CredentialWithOwner"); err != nil {
		return domain.Credential{}, domain.User{}, err
	}
	i := m.credIndex(id)
	if i < 0 {
		return domain.Credential{}, domain.User{}, domain.ErrNotFound
	}
	return m.creds[i], m.users[m.creds[i].UserID], nil
}

func (m *memStore) RecordLogin(_ context.Context, id []byte, u domain.LoginUpdate) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.enter("RecordLogin"); err != nil {
		return false, err
	}
	i := m.credIndex(id)
	if i < 0 {
		return false, domain.ErrNotFound
	}
	if !domain.SignCountAccepted(m.creds[i].SignCount, u.SignCount) {
		return false, nil
	}
	c := &m.creds[i]
	c.SignCount, c.UserVerified, c.BackupEligible, c.BackupState = u.SignCount, u.UserVerified, u.BackupEligible, u.BackupState
	used := u.UsedAt
	c.LastUsedAt = &used
	return true, nil
}

func (m *memStore) MarkCloneWarning(_ context.Context, id []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.enter("MarkCloneWarning"); err != nil {
		return err
	}
	if i := m.credIndex(id); i >= 0 {
		m.creds[i].CloneWarning = true
	}
	return nil
}

func (m *memStore) RenameCredential(_ context.Context, userID int64, id []byte, name string) (domain.Credential, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.enter("RenameCredential"); err != nil {
		return domain.Credential{}, err
	}
	i := m.credIndex(id)
	if i < 0 || m.creds[i].UserID != userID {
		return domain.Credential{}, domain.ErrNotFound
	}
	m.creds[i].Name = name
	return m.creds[i], nil
}

func (m *memStore) DeleteCredential(ctx context.Context, userID int64, id []byte, beforeCommit func(context.Context) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.enter("DeleteCredential"); err != nil {
		return err
	}
	i := m.credIndex(id)
	if i < 0 || m.creds[i].UserID != userID {
		return domain.ErrNotFound
	}
	owned := 0
	for _, c := range m.creds {
		if c.UserID == userID {
			owned++
		}
	}
	if owned == 1 {
		return domain.ErrConflict
	}
	// The hook runs with the credentials locked, as the row stays locked
	// in PostgreSQL until the commit: a RecordLogin waits meanwhile. The
	// sessions have a lock of their own, as they live in another store.
	if err := beforeCommit(ctx); err != nil {
		return err
	}
	m.creds = slices.Delete(m.creds, i, i+1)
	return nil
}

// lockSessions guards the session and ceremony maps (the Redis side).
func (m *memStore) lockSessions() func() {
	m.smu.Lock()
	return m.smu.Unlock
}

func (m *memStore) Secret(_ context.Context, name string, generate func() ([]byte, error)) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.enter("Secret"); err != nil {
		return nil, err
	}
	if s, ok := m.secrets[name]; ok {
		return s, nil
	}
	s, err := generate()
	if err != nil {
		return nil, err
	}
	m.secrets[name] = s
	return s, nil
}

func (m *memStore) CreateSession(_ context.Context, s domain.Session, _ time.Duration, now time.Time) error {
	defer m.lockSessions()()
	if err := m.enter("CreateSession"); err != nil {
		return err
	}
	m.sessions[s.TokenHash] = s
	// As the Redis index: trimmed of sessions past their absolute expiry.
	live := m.userSessions[s.UserID][:0]
	for _, h := range m.userSessions[s.UserID] {
		if other, ok := m.sessions[h]; ok && other.ExpiresAt.After(now) {
			live = append(live, h)
		}
	}
	m.userSessions[s.UserID] = append(live, s.TokenHash)
	return nil
}

func (m *memStore) Session(_ context.Context, tokenHash string) (domain.Session, error) {
	defer m.lockSessions()()
	if err := m.enter("Session"); err != nil {
		return domain.Session{}, err
	}
	s, ok := m.sessions[tokenHash]
	if !ok {
		return domain.Session{}, domain.ErrNotFound
	}
	return s, nil
}

func (m *memStore) TouchSession(_ context.Context, tokenHash string, seenAt time.Time, _ time.Duration) error {
	defer m.lockSessions()()
	if err := m.enter("TouchSession"); err != nil {
		return err
	}
	s, ok := m.sessions[tokenHash]
	if !ok {
		return domain.ErrNotFound
	}
	s.LastSeenAt = seenAt
	m.sessions[tokenHash] = s
	return nil
}

func (m *memStore) MarkVerified(_ context.Context, tokenHash string, at time.Time) error {
	defer m.lockSessions()()
	if err := m.enter("MarkVerified"); err != nil {
		return err
	}
	s, ok := m.sessions[tokenHash]
	if !ok {
		return domain.ErrNotFound
	}
	s.VerifiedAt, s.LastSeenAt = at, at
	m.sessions[tokenHash] = s
	return nil
}

func (m *memStore) DeleteSession(_ context.Context, s domain.Session) error {
	defer m.lockSessions()()
	if err := m.enter("DeleteSession"); err != nil {
		return err
	}
	delete(m.sessions, s.TokenHash)
	m.userSessions[s.UserID] = slices.DeleteFunc(m.userSessions[s.UserID], func(h string) bool { return h == s.TokenHash })
	return nil
}

func (m *memStore) EndCredentialSessions(_ context.Context, userID int64, credentialID []byte) error {
	defer m.lockSessions()()
	if err := m.enter("EndCredentialSessions"); err != nil {
		return err
	}
	m.userSessions[userID] = slices.DeleteFunc(m.userSessions[userID], func(h string) bool {
		s, ok := m.sessions[h]
		if ok && bytes.Equal(s.CredentialID, credentialID) {
			delete(m.sessions, h)
			return true
		}
		return !ok
	})
	return nil
}

func (m *memStore) PutCeremony(_ context.Context, kind domain.CeremonyKind, challenge string, state []byte, _ time.Duration) error {
	defer m.lockSessions()()
	if err := m.enter("PutCeremony"); err != nil {
		return err
	}
	key := string(kind) + ":" + challenge
	if _, taken := m.ceremonies[key]; taken {
		return domain.ErrConflict
	}
	m.ceremonies[key] = slices.Clone(state)
	return nil
}

func (m *memStore) TakeCeremony(_ context.Context, kind domain.CeremonyKind, challenge string) ([]byte, error) {
	defer m.lockSessions()()
	if err := m.enter("TakeCeremony"); err != nil {
		return nil, err
	}
	if m.ceremonyFor != nil {
		return m.ceremonyFor(kind, challenge), nil
	}
	key := string(kind) + ":" + challenge
	state, ok := m.ceremonies[key]
	if !ok {
		return nil, domain.ErrNotFound
	}
	delete(m.ceremonies, key)
	return state, nil
}

// test views

func (m *memStore) userCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.users)
}

func (m *memStore) credential(id []byte) (domain.Credential, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if i := m.credIndex(id); i >= 0 {
		return m.creds[i], true
	}
	return domain.Credential{}, false
}

func (m *memStore) sessionCount() int {
	defer m.lockSessions()()
	return len(m.sessions)
}

func (m *memStore) ceremonyCount() int {
	defer m.lockSessions()()
	return len(m.ceremonies)
}

func (m *memStore) addUser(username string, handle []byte) domain.User {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nextUserID++
	canonical, _ := domain.CanonicalUsername(username)
	u := domain.User{ID: m.nextUserID, Username: username, CanonicalUsername: canonical, Handle: handle}
	m.users[u.ID] = u
	return u
}

// deleteCredential removes the credential an assertion names, as another
// request would.
func (m *memStore) deleteCredential(t testing.TB, assertion []byte) {
	t.Helper()
	var body struct {
		RawID string `json:"rawId"`
	}
	if err := json.Unmarshal(assertion, &body); err != nil {
		t.Fatal(err)
	}
	id, err := base64.RawURLEncoding.DecodeString(body.RawID)
	if err != nil {
		t.Fatal(err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if i := m.credIndex(id); i >= 0 {
		m.creds = slices.Delete(m.creds, i, i+1)
	}
}
