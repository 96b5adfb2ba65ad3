package httpapi

import (
	"net/http"
	"time"
)

// reauthFinishResponse says until when the session may change passkeys.
type reauthFinishResponse struct {
	Success              bool   `json:"success"`
	ReauthenticatedUntil string `json:"reauthenticated_until"`
}

// reauthStart begins a re-authentication of the caller's session, the
// step-up that adding or deleting a passkey needs.
func (s *AppState) reauthStart(w http.ResponseWriter, r *http.Request) error {
	assertion, err := s.Passkeys.BeginReauthentication(r.Context(), sessionFrom(r.Context()))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authStartResponse{Options: assertion})
	return nil
}

func (s *AppState) reauthFinish(w http.ResponseWriter, r *http.Request) error {
	var req authFinishRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := requireFields(true, req.Credential); err != nil {
		return err
	}
	until, err := s.Passkeys.FinishReauthentication(r.Context(), sessionFrom(r.Context()), req.Credential)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, reauthFinishResponse{Success: true, ReauthenticatedUntil: until.UTC().Format(time.RFC3339)})
	return nil
}
