package httpapi

import (
	"net/http"
	"time"
)

// reauthStartResponse carries the request options, shaped as auth/start's.
type reauthStartResponse struct {
	Options any `json:"options"`
}

// reauthFinishResponse says until when the session may change passkeys.
type reauthFinishResponse struct {
	Success              bool   `json:"success"`
	ReauthenticatedUntil string `json:"reauthenticated_until"`
}

// reauthStart begins a re-authentication of the caller's session, the
// step-up that adding or deleting a passkey needs.
func (s *AppState) reauthStart(w http.ResponseWriter, r *http.Request) {
	assertion, err := s.Passkeys.BeginReauthentication(r.Context(), sessionFrom(r.Context()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reauthStartResponse{Options: assertion})
}

func (s *AppState) reauthFinish(w http.ResponseWriter, r *http.Request) {
	var req authFinishRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := requireFields(true, req.Credential); err != nil {
		s.fail(w, r, err)
		return
	}
	until, err := s.Passkeys.FinishReauthentication(r.Context(), sessionFrom(r.Context()), req.Credential)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reauthFinishResponse{Success: true, ReauthenticatedUntil: until.UTC().Format(time.RFC3339)})
}
