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

// registerStartResponse carries the creation options as the library
// marshals them: {"publicKey": {…}}.
type registerStartResponse struct {
	Challenge any `json:"challenge"`
}

type registerFinishRequest struct {
	Username   *string         `json:"username"`
	Credential json.RawMessage `json:"credential"`
	Name       string          `json:"name"`
}

type registerFinishResponse struct {
	Success      bool   `json:"success"`
	CredentialID string `json:"credential_id"`
}

type authStartRequest struct {
	Username  string `json:"username"`
	Mediation string `json:"mediation"`
}

// authStartResponse carries the request options as the library marshals
// them: {"publicKey": {…}, "mediation": …}. Re-authentication answers the
// same shape.
type authStartResponse struct {
	Options any `json:"options"`
}

type authFinishRequest struct {
	Username   string          `json:"username"`
	Credential json.RawMessage `json:"credential"`
}

type authFinishResponse struct {
	Success      bool   `json:"success"`
	SessionToken string `json:"session_token"`
	ExpiresAt    string `json:"expires_at"`
	Username     string `json:"username"`
}

// registerStart begins a registration. A caller with a valid session of the
// same user may add another passkey; nobody else may touch that username.
func (s *AppState) registerStart(w http.ResponseWriter, r *http.Request) error {
	var req registerStartRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Username == nil {
		return unprocessable("field username is required")
	}
	caller, err := s.optionalSession(r)
	if err != nil {
		return err
	}
	creation, err := s.Passkeys.BeginRegistration(r.Context(), *req.Username, req.DisplayName, caller)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, registerStartResponse{Challenge: creation})
	return nil
}

func (s *AppState) registerFinish(w http.ResponseWriter, r *http.Request) error {
	var req registerFinishRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := requireFields(req.Username != nil, req.Credential); err != nil {
		return err
	}
	id, err := s.Passkeys.FinishRegistration(r.Context(), *req.Username, req.Credential, req.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, registerFinishResponse{Success: true, CredentialID: encodeID(id)})
	return nil
}

func (s *AppState) authStart(w http.ResponseWriter, r *http.Request) error {
	var req authStartRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	assertion, err := s.Passkeys.BeginLogin(r.Context(), req.Username, req.Mediation == "conditional")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authStartResponse{Options: assertion})
	return nil
}

func (s *AppState) authFinish(w http.ResponseWriter, r *http.Request) error {
	var req authFinishRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := requireFields(true, req.Credential); err != nil {
		return err
	}
	res, err := s.Passkeys.FinishLogin(r.Context(), req.Username, req.Credential)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, authFinishResponse{
		Success: true, SessionToken: res.Token,
		ExpiresAt: res.ExpiresAt.UTC().Format(time.RFC3339), Username: res.Username,
	})
	return nil
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
// sent, nil when none (or an invalid one) is. An outage is an error: the
// caller may well be signed in.
func (s *AppState) optionalSession(r *http.Request) (*domain.Session, error) {
	token, err := bearerToken(r)
	if err != nil {
		return nil, nil //nolint:nilerr // no usable token: the caller is anonymous
	}
	sess, err := s.Passkeys.Authenticate(r.Context(), token)
	if domain.HasKind(err, domain.ErrUnauthorized) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &sess, nil
}
