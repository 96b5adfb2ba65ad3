package httpapi

import (
	"encoding/base64"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"movieapi/internal/domain"
)

// credentialView is what a user may see of a passkey: no key material, no
// counters.
type credentialView struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	CreatedAt      time.Time  `json:"created_at"`
	LastUsedAt     *time.Time `json:"last_used_at"`
	BackupEligible bool       `json:"backup_eligible"`
	BackupState    bool       `json:"backup_state"`
	Transports     []string   `json:"transports"`
}

func viewOf(c domain.Credential) credentialView {
	v := credentialView{
		ID: encodeID(c.ID), Name: c.Name, CreatedAt: c.CreatedAt.UTC().Truncate(time.Second),
		BackupEligible: c.BackupEligible, BackupState: c.BackupState, Transports: c.Transports,
	}
	if c.LastUsedAt != nil {
		t := c.LastUsedAt.UTC().Truncate(time.Second)
		v.LastUsedAt = &t
	}
	if v.Transports == nil {
		v.Transports = []string{}
	}
	return v
}

func (s *AppState) listCredentials(w http.ResponseWriter, r *http.Request) {
	sess := sessionFrom(r.Context())
	creds, err := s.Passkeys.Credentials(r.Context(), sess.UserID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views := make([]credentialView, 0, len(creds))
	for _, c := range creds {
		views = append(views, viewOf(c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"credentials": views})
}

type renameRequest struct {
	Name *string `json:"name"`
}

func (s *AppState) renameCredential(w http.ResponseWriter, r *http.Request) {
	id, err := credentialIDParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req renameRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Name == nil {
		s.fail(w, r, unprocessable("field name is required"))
		return
	}
	c, err := s.Passkeys.RenameCredential(r.Context(), sessionFrom(r.Context()).UserID, id, *req.Name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, viewOf(c))
}

func (s *AppState) deleteCredential(w http.ResponseWriter, r *http.Request) {
	id, err := credentialIDParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Passkeys.DeleteCredential(r.Context(), sessionFrom(r.Context()), id); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *AppState) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.Passkeys.Logout(r.Context(), sessionFrom(r.Context())); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// maxCredentialIDLength bounds the path parameter before decoding (WebAuthn
// credential ids are at most 1023 bytes).
const maxCredentialIDLength = 1400

// credentialIDParam decodes the base64url {id}; anything else is a 400.
func credentialIDParam(r *http.Request) ([]byte, error) {
	raw := chi.URLParam(r, "id")
	if len(raw) > maxCredentialIDLength {
		return nil, domain.Invalid("credential id must be base64url")
	}
	id, err := base64.RawURLEncoding.Strict().DecodeString(raw)
	if err != nil || len(id) == 0 {
		return nil, domain.Invalid("credential id must be base64url")
	}
	return id, nil
}

func encodeID(id []byte) string { return base64.RawURLEncoding.EncodeToString(id) }
