package httpapi

import (
	"encoding/json"
	"net/http"
	"time"

	"movieapi/internal/domain"
)

type registerStartRequest struct {
	Username    *string `json:"username"`
	DisplayName string  `json:"display_name"`
}

type registerFinishRequest struct {
	Username   *string         `json:"username"`
	Credential json.RawMessage `json:"credential"`
	Name       string          `json:"name"`
}

type authStartRequest struct {
	Username  string `json:"username"`
	Mediation string `json:"mediation"`
}

type authFinishRequest struct {
	Username   string          `json:"username"`
	Credential json.RawMessage `json:"credential"`
}

// registerStart begins a registration. A caller with a valid session of the
// same user may add another passkey; nobody else may touch that username.
func (s *AppState) registerStart(w http.ResponseWriter, r *http.Request) {
	var req registerStartRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Username == nil {
		s.fail(w, r, unprocessable("field username is required"))
		return
	}
	caller, err := s.optionalSession(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	creation, err := s.Passkeys.BeginRegistration(r.Context(), *req.Username, req.DisplayName, caller)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"challenge": creation})
}

func (s *AppState) registerFinish(w http.ResponseWriter, r *http.Request) {
	var req registerFinishRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := requireFields(req.Username != nil, req.Credential); err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := s.Passkeys.FinishRegistration(r.Context(), *req.Username, req.Credential, req.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, registerFinishResponse{Success: true, CredentialID: encodeID(id)})
}

type registerFinishResponse struct {
	Success      bool   `json:"success"`
	CredentialID string `json:"credential_id"`
}

func (s *AppState) authStart(w http.ResponseWriter, r *http.Request) {
	var req authStartRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	assertion, err := s.Passkeys.BeginLogin(r.Context(), req.Username, req.Mediation == "conditional")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"options": assertion})
}

type authFinishResponse struct {
	Success      bool   `json:"success"`
	SessionToken string `json:"session_token"`
	ExpiresAt    string `json:"expires_at"`
	Username     string `json:"username"`
}

func (s *AppState) authFinish(w http.ResponseWriter, r *http.Request) {
	var req authFinishRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := requireFields(true, req.Credential); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.Passkeys.FinishLogin(r.Context(), req.Username, req.Credential)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, authFinishResponse{
		Success: true, SessionToken: res.Token,
		ExpiresAt: res.ExpiresAt.UTC().Format(time.RFC3339), Username: res.Username,
	})
}

// requireFields checks the required members of a finish request: a missing
// member is the wrong shape (422), whatever the credential then contains is
// the ceremony's to judge.
func requireFields(haveUsername bool, credential json.RawMessage) error {
	if !haveUsername {
		return unprocessable("field username is required")
	}
	if len(credential) == 0 || string(credential) == "null" {
		return unprocessable("field credential is required")
	}
	return nil
}

// optionalSession returns the caller's session when a valid Bearer token is
// sent, nil when none (or an invalid one) is. A backend failure is an error.
func (s *AppState) optionalSession(r *http.Request) (*domain.Session, error) {
	token, err := bearerToken(r)
	if err != nil {
		return nil, nil //nolint:nilerr // no usable token: the caller is anonymous
	}
	sess, err := s.Passkeys.Authenticate(r.Context(), token)
	if err != nil {
		if isUnavailable(err) {
			return nil, err
		}
		return nil, nil
	}
	return &sess, nil
}
