package redis

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"movieapi/internal/domain"
)

// SessionStore implements domain.SessionStore: sessions under the hash of
// their token, the set of sessions each credential created, and single-use
// ceremony state keyed by challenge.
type SessionStore struct{ c *Client }

var _ domain.SessionStore = SessionStore{}

// NewSessionStore returns the store over c.
func NewSessionStore(c *Client) SessionStore { return SessionStore{c: c} }

// CreateSession writes the session and indexes it under its credential. The
// index's TTL is pushed out to the newest session's, so it never outlives
// what it points to by more than one session lifetime.
func (s SessionStore) CreateSession(ctx context.Context, tokenHash string, sess domain.Session, ttl time.Duration) error {
	payload, err := json.Marshal(sess)
	if err != nil {
		return err
	}
	index := s.c.keys.CredentialSessions(credentialKey(sess.CredentialID))
	// One round trip, not a MULTI: in a cluster the keys may live on
	// different nodes. If any command fails the token is never handed out,
	// so a half-written session is unusable and expires with its TTL.
	_, err = s.c.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		p.SAdd(ctx, index, tokenHash)
		p.Expire(ctx, index, ttl)
		p.Set(ctx, s.c.keys.Session(tokenHash), payload, ttl)
		return nil
	})
	return unavailable(err)
}

// Session reads a live session; ErrNotFound when unknown or expired.
func (s SessionStore) Session(ctx context.Context, tokenHash string) (domain.Session, error) {
	raw, err := s.c.rdb.Get(ctx, s.c.keys.Session(tokenHash)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return domain.Session{}, domain.ErrNotFound
	}
	if err != nil {
		return domain.Session{}, unavailable(err)
	}
	var sess domain.Session
	if err := json.Unmarshal(raw, &sess); err != nil {
		return domain.Session{}, domain.ErrNotFound
	}
	return sess, nil
}

// DeleteSession ends one session.
func (s SessionStore) DeleteSession(ctx context.Context, tokenHash string) error {
	return unavailable(s.c.rdb.Del(ctx, s.c.keys.Session(tokenHash)).Err())
}

// EndCredentialSessions deletes every session the credential created.
func (s SessionStore) EndCredentialSessions(ctx context.Context, credentialID []byte) error {
	index := s.c.keys.CredentialSessions(credentialKey(credentialID))
	hashes, err := s.c.rdb.SMembers(ctx, index).Result()
	if err != nil {
		return unavailable(err)
	}
	// One pipeline of single-key deletes: a multi-key DEL would fail in a
	// cluster when the keys live in different slots.
	_, err = s.c.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for _, h := range hashes {
			p.Del(ctx, s.c.keys.Session(h))
		}
		p.Del(ctx, index)
		return nil
	})
	return unavailable(err)
}

// PutCeremony stores ceremony state; SET NX so a challenge collision (which
// would need a broken random source) can never overwrite someone's state.
func (s SessionStore) PutCeremony(ctx context.Context, kind domain.CeremonyKind, challenge string, state []byte, ttl time.Duration) error {
	ok, err := s.c.rdb.SetNX(ctx, s.c.keys.Ceremony(kind, challenge), state, ttl).Result()
	if err != nil {
		return unavailable(err)
	}
	if !ok {
		return domain.Conflict("challenge collision")
	}
	return nil
}

// TakeCeremony reads and deletes the state in one command (GETDEL), so a
// challenge is single use even when two finishes race.
func (s SessionStore) TakeCeremony(ctx context.Context, kind domain.CeremonyKind, challenge string) ([]byte, error) {
	raw, err := s.c.rdb.GetDel(ctx, s.c.keys.Ceremony(kind, challenge)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, domain.ErrNotFound
	}
	if err != nil {
		return nil, unavailable(err)
	}
	return raw, nil
}

// credentialKey is the base64url form used in key names (contract §10).
func credentialKey(id []byte) string { return base64.RawURLEncoding.EncodeToString(id) }
