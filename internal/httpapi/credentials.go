package httpapi

import (
	"encoding/base64"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"movieapi/internal/domain"
	"movieapi/internal/passkeys"
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
	// Provider names the passkey provider from the AAGUID, null when it is
	// not a known one (many send none).
	Provider *string `json:"provider"`
}

func viewOf(c domain.Credential) credentialView {
	v := credentialView{
		ID: encodeID(c.ID), Name: c.Name, CreatedAt: c.CreatedAt.UTC().Truncate(time.Second),
		BackupEligible: c.BackupEligible, BackupState: c.BackupState, Transports: c.Transports,
		Provider: optional(passkeys.ProviderName(c.AAGUID)),
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

// credentialList carries, besides the passkeys, the account's user handle
// and names: what a page passes to the WebAuthn Signal API
// (signalAllAcceptedCredentials, signalCurrentUserDetails).
type credentialList struct {
	Credentials []credentialView `json:"credentials"`
	UserHandle  string           `json:"user_handle"`
	Username    string           `json:"username"`
}

func (s *AppState) listCredentials(w http.ResponseWriter, r *http.Request) error {
	caller := sessionFrom(r.Context())
	creds, err := s.Passkeys.Credentials(r.Context(), caller.UserID)
	if err != nil {
		return err
	}
	views := make([]credentialView, 0, len(creds))
	for _, c := range creds {
		views = append(views, viewOf(c))
	}
	writeJSON(w, http.StatusOK, credentialList{Credentials: views, UserHandle: encodeID(caller.UserHandle), Username: caller.Username})
	return nil
}

type renameRequest struct {
	Name *string `json:"name"`
}

func (s *AppState) renameCredential(w http.ResponseWriter, r *http.Request) error {
	id, err := credentialIDParam(r)
	if err != nil {
		return err
	}
	var req renameRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Name == nil {
		return unprocessable("field name is required")
	}
	c, err := s.Passkeys.RenameCredential(r.Context(), sessionFrom(r.Context()).UserID, id, *req.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewOf(c))
	return nil
}

func (s *AppState) deleteCredential(w http.ResponseWriter, r *http.Request) error {
	id, err := credentialIDParam(r)
	if err != nil {
		return err
	}
	if err := s.Passkeys.DeleteCredential(r.Context(), sessionFrom(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
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
