package redis

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"movieapi/internal/domain"
)

// SessionStore implements domain.SessionStore: each session is a hash under
// the hash of its token, each user has a sorted set of their sessions (score:
// absolute expiry), and ceremony state is single-use and keyed by challenge.
type SessionStore struct{ c *Client }

var _ domain.SessionStore = SessionStore{}

// NewSessionStore returns the store over c.
func NewSessionStore(c *Client) SessionStore { return SessionStore{c: c} }

// The fields of a session hash. Times are Unix milliseconds.
const (
	fieldUserID     = "uid"
	fieldUsername   = "user"
	fieldCredential = "cred"
	fieldCreated    = "created"
	fieldExpires    = "expires"
	fieldSeen       = "seen"
	fieldVerified   = "verified"
)

var sessionFields = []string{fieldUserID, fieldUsername, fieldCredential, fieldCreated, fieldExpires, fieldSeen, fieldVerified}

// CreateSession writes the session and lists it in its user's index. One
// round trip, not a MULTI: in a cluster the two keys may live on different
// nodes. The index is written first; if anything fails the token is never
// handed out, so a half-written session is unusable and expires with its
// TTL. Entries past their absolute expiry are trimmed on the way, so the
// index stays as small as the user's sign-ins of one session lifetime.
func (s SessionStore) CreateSession(ctx context.Context, sess domain.Session, ttl time.Duration, now time.Time) error {
	index := s.c.keys.UserSessions(sess.UserID)
	key := s.c.keys.Session(sess.TokenHash)
	indexTTL := sess.ExpiresAt.Sub(now)
	_, err := s.c.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		p.ZAdd(ctx, index, goredis.Z{Score: float64(sess.ExpiresAt.UnixMilli()), Member: sess.TokenHash})
		p.ZRemRangeByScore(ctx, index, "-inf", "("+strconv.FormatInt(now.UnixMilli(), 10))
		// The index lives as long as its longest-lived session: NX gives a
		// new index its TTL, GT only ever extends an existing one.
		p.ExpireNX(ctx, index, indexTTL)
		p.ExpireGT(ctx, index, indexTTL)
		p.HSet(ctx, key,
			fieldUserID, sess.UserID, fieldUsername, sess.Username,
			fieldCredential, base64.RawURLEncoding.EncodeToString(sess.CredentialID),
			fieldCreated, sess.CreatedAt.UnixMilli(), fieldExpires, sess.ExpiresAt.UnixMilli(),
			fieldSeen, sess.LastSeenAt.UnixMilli(), fieldVerified, unixMilliOrZero(sess.VerifiedAt))
		p.PExpire(ctx, key, ttl)
		return nil
	})
	return unavailable(err)
}

// Session reads a live session; ErrNotFound when unknown or expired. A value
// that does not read as a session (a foreign or older format) is no session.
func (s SessionStore) Session(ctx context.Context, tokenHash string) (domain.Session, error) {
	vals, err := s.c.rdb.HMGet(ctx, s.c.keys.Session(tokenHash), sessionFields...).Result()
	if err != nil {
		if isWrongType(err) {
			return domain.Session{}, domain.ErrNotFound
		}
		return domain.Session{}, unavailable(err)
	}
	sess, ok := parseSession(vals)
	if !ok {
		return domain.Session{}, domain.ErrNotFound
	}
	sess.TokenHash = tokenHash
	return sess, nil
}

// touchSession and markVerified change a session only while it exists: a
// plain HSET would bring back, as a fragment, a session ended meanwhile.
var (
	touchSession = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'seen', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`)
	markVerified = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'verified', ARGV[1], 'seen', ARGV[1])
return 1`)
)

// TouchSession records a use and slides the session's TTL.
func (s SessionStore) TouchSession(ctx context.Context, tokenHash string, seenAt time.Time, ttl time.Duration) error {
	return s.runOnSession(ctx, touchSession, tokenHash, seenAt.UnixMilli(), max(ttl.Milliseconds(), 1))
}

// MarkVerified records a user-verified assertion on the session.
func (s SessionStore) MarkVerified(ctx context.Context, tokenHash string, at time.Time) error {
	return s.runOnSession(ctx, markVerified, tokenHash, at.UnixMilli())
}

func (s SessionStore) runOnSession(ctx context.Context, script *goredis.Script, tokenHash string, args ...any) error {
	done, err := script.Run(ctx, s.c.rdb, []string{s.c.keys.Session(tokenHash)}, args...).Int()
	if err != nil {
		return unavailable(err)
	}
	if done == 0 {
		return domain.ErrNotFound
	}
	return nil
}

// DeleteSession ends one session and takes it out of its user's index.
func (s SessionStore) DeleteSession(ctx context.Context, sess domain.Session) error {
	_, err := s.c.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		p.Del(ctx, s.c.keys.Session(sess.TokenHash))
		p.ZRem(ctx, s.c.keys.UserSessions(sess.UserID), sess.TokenHash)
		return nil
	})
	return unavailable(err)
}

// EndCredentialSessions deletes every session of the user that the
// credential created, and drops index entries whose session is already gone.
func (s SessionStore) EndCredentialSessions(ctx context.Context, userID int64, credentialID []byte) error {
	index := s.c.keys.UserSessions(userID)
	hashes, err := s.c.rdb.ZRange(ctx, index, 0, -1).Result()
	if err != nil || len(hashes) == 0 {
		return unavailable(err)
	}
	owners := make([]*goredis.StringCmd, len(hashes))
	_, err = s.c.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, h := range hashes {
			owners[i] = p.HGet(ctx, s.c.keys.Session(h), fieldCredential)
		}
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) && !isWrongType(err) {
		return unavailable(err)
	}
	want := base64.RawURLEncoding.EncodeToString(credentialID)
	// Single-key commands only: a multi-key DEL would fail in a cluster
	// when the keys live in different slots.
	_, err = s.c.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, h := range hashes {
			cred, err := owners[i].Result()
			switch {
			case errors.Is(err, goredis.Nil):
				p.ZRem(ctx, index, h) // ended or expired: trim the index
			case err == nil && cred == want:
				p.Del(ctx, s.c.keys.Session(h))
				p.ZRem(ctx, index, h)
			}
		}
		return nil
	})
	return unavailable(err)
}

// parseSession reads HMGET's answer in sessionFields order; false when the
// session is missing or does not read as one.
func parseSession(vals []any) (domain.Session, bool) {
	str := make([]string, len(vals))
	for i, v := range vals {
		s, ok := v.(string)
		if !ok {
			return domain.Session{}, false
		}
		str[i] = s
	}
	var (
		sess  domain.Session
		times [4]int64
		err   error
	)
	if sess.UserID, err = strconv.ParseInt(str[0], 10, 64); err != nil {
		return domain.Session{}, false
	}
	sess.Username = str[1]
	if sess.CredentialID, err = base64.RawURLEncoding.DecodeString(str[2]); err != nil {
		return domain.Session{}, false
	}
	for i := range times {
		if times[i], err = strconv.ParseInt(str[3+i], 10, 64); err != nil {
			return domain.Session{}, false
		}
	}
	sess.CreatedAt, sess.ExpiresAt, sess.LastSeenAt = time.UnixMilli(times[0]), time.UnixMilli(times[1]), time.UnixMilli(times[2])
	if times[3] != 0 {
		sess.VerifiedAt = time.UnixMilli(times[3])
	}
	return sess, true
}

func unixMilliOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// isWrongType is Redis refusing a command on a key of another type: a
// session key written in an older format reads as no session.
func isWrongType(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "WRONGTYPE")
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
