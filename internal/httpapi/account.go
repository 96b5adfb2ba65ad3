package httpapi

import (
	"net/http"
	"net/netip"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"movieapi/internal/domain"
	"movieapi/internal/logging"
	"movieapi/internal/passkeys"
)

// sessionView is one of the caller's sessions: never the token or its hash.
type sessionView struct {
	ID          string    `json:"id"`
	CreatedAt   time.Time `json:"created_at"`
	LastSeenAt  time.Time `json:"last_seen_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	PasskeyID   string    `json:"passkey_id"`
	PasskeyName *string   `json:"passkey_name"`
	IP          string    `json:"ip"`
	UserAgent   string    `json:"user_agent"`
	Current     bool      `json:"current"`
}

type sessionList struct {
	Sessions []sessionView `json:"sessions"`
}

type revokedCount struct {
	Ended int `json:"ended"`
}

// eventView is one line of the caller's security activity.
type eventView struct {
	ID          int64     `json:"id"`
	Type        string    `json:"type"`
	At          time.Time `json:"at"`
	PasskeyID   *string   `json:"passkey_id"`
	PasskeyName *string   `json:"passkey_name"`
	Detail      string    `json:"detail"`
	IP          string    `json:"ip"`
	UserAgent   string    `json:"user_agent"`
	RequestID   string    `json:"request_id"`
}

// eventPage is a page of events; NextBefore is the before= of the next
// page, null when this one reached the oldest.
type eventPage struct {
	Events     []eventView `json:"events"`
	NextBefore *int64      `json:"next_before"`
}

func (s *AppState) listSessions(w http.ResponseWriter, r *http.Request) error {
	sessions, err := s.Passkeys.Sessions(r.Context(), sessionFrom(r.Context()))
	if err != nil {
		return err
	}
	views := make([]sessionView, len(sessions))
	for i, v := range sessions {
		views[i] = sessionView{
			ID: v.ID, CreatedAt: seconds(v.CreatedAt), LastSeenAt: seconds(v.LastSeenAt), ExpiresAt: seconds(v.ExpiresAt),
			PasskeyID: encodeID(v.CredentialID), PasskeyName: optional(v.PasskeyName),
			IP: v.Client.IP, UserAgent: v.Client.UserAgent, Current: v.Current,
		}
	}
	writeJSON(w, http.StatusOK, sessionList{Sessions: views})
	return nil
}

func (s *AppState) endSession(w http.ResponseWriter, r *http.Request) error {
	if err := s.Passkeys.EndSession(r.Context(), sessionFrom(r.Context()), chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// logout ends the caller's own session.
func (s *AppState) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.Passkeys.Logout(r.Context(), sessionFrom(r.Context())); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *AppState) endOtherSessions(w http.ResponseWriter, r *http.Request) error {
	n, err := s.Passkeys.EndOtherSessions(r.Context(), sessionFrom(r.Context()))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, revokedCount{Ended: n})
	return nil
}

func (s *AppState) listEvents(w http.ResponseWriter, r *http.Request) error {
	limit, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	before, err := queryInt(r, "before")
	if err != nil {
		return err
	}
	events, err := s.Passkeys.Events(r.Context(), sessionFrom(r.Context()), before, int(limit))
	if err != nil {
		return err
	}
	page := eventPage{Events: make([]eventView, len(events))}
	for i, e := range events {
		page.Events[i] = eventView{
			ID: e.ID, Type: string(e.Type), At: seconds(e.At), PasskeyName: optional(e.CredentialName),
			Detail: e.Detail, IP: e.Client.IP, UserAgent: e.Client.UserAgent, RequestID: e.RequestID,
		}
		if len(e.CredentialID) > 0 {
			id := encodeID(e.CredentialID)
			page.Events[i].PasskeyID = &id
		}
	}
	want := limit
	if want == 0 {
		want = passkeys.DefaultEventLimit
	}
	if n := len(events); n > 0 && int64(n) == min(want, passkeys.MaxEventLimit) {
		page.NextBefore = &events[n-1].ID
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// queryInt reads a non-negative integer query parameter; absent is 0.
func queryInt(r *http.Request, name string) (int64, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return 0, domain.Invalid(name + " must be a non-negative integer")
	}
	return n, nil
}

// withRequestMeta gives the account routes what an account's sessions and
// activity log record of a request: the client's network and user agent,
// and the request id. Only requests that can record something pay for it:
// reads (GET) of the account never do.
func (s *AppState) withRequestMeta(next handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.Method == http.MethodGet {
			return next(w, r)
		}
		ip, _ := netip.ParseAddr(clientIP(r, s.TrustedProxies))
		ctx := domain.WithRequestMeta(r.Context(), domain.RequestMeta{
			Client:    domain.ClientInfo{IP: domain.TruncateIP(ip), UserAgent: domain.SummarizeUserAgent(r.UserAgent())},
			RequestID: logging.RequestID(r.Context()),
		})
		return next(w, r.WithContext(ctx))
	}
}

func seconds(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
