package passkeys

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	"movieapi/internal/domain"
)

// FinishLogin verifies the browser's answer to BeginLogin, applies the sign
// counter rule atomically and creates a session. username is optional; when
// given, the credential must belong to that account.
func (s *Service) FinishLogin(ctx context.Context, username string, credentialJSON []byte) (LoginResult, error) {
	raw, err := s.takeCeremony(ctx, domain.CeremonyLogin, credentialJSON)
	if err != nil {
		s.metrics.Authentication(false)
		return LoginResult{}, err
	}
	result, err := s.finishLogin(ctx, username, raw, credentialJSON)
	s.metrics.Authentication(err == nil)
	return result, err
}

func (s *Service) finishLogin(ctx context.Context, username string, rawState, credentialJSON []byte) (LoginResult, error) {
	var state loginState
	if err := json.Unmarshal(rawState, &state); err != nil {
		s.log.ErrorContext(ctx, "unreadable sign-in ceremony state", "event", "webauthn.login", "err", err)
		return LoginResult{}, errAuthenticationFailed(false)
	}
	v, rejection, err := s.verifyAssertion(ctx, username, state, credentialJSON)
	if err == nil && rejection == nil {
		var result LoginResult
		if result, rejection, err = s.completeLogin(ctx, v); err == nil && rejection == nil {
			return result, nil
		}
	}
	if err != nil {
		s.log.ErrorContext(ctx, "sign-in failed on a backend", "event", "webauthn.login", "outcome", "error", "err", err)
		return LoginResult{}, err
	}
	return LoginResult{}, s.refuse(ctx, "sign-in rejected", "webauthn.login", state.Mode, rejection)
}

// refuse logs a rejected assertion and answers it: the one 401 whatever went
// wrong, or 429 once the account has seen more failures than its budget. The
// budget counts failures per account from every address, so many addresses
// cannot try at full speed against one account; a valid assertion is never
// refused by it, so nobody can lock the owner out by failing on purpose.
func (s *Service) refuse(ctx context.Context, msg, event string, mode loginMode, r *loginRejection) error {
	s.log.WarnContext(ctx, msg,
		"event", event, "outcome", "rejected", "mode", string(mode),
		"reason", r.reason, "detail", devInfo(r.detail),
		"credential_id", encodeID(r.credentialID), "unknown_credential", r.unknownCredential)
	if r.account != "" && s.failureLimiter != nil {
		err := s.failureLimiter.Allow(ctx, FailureBudgetKey(r.account))
		if errors.Is(err, domain.ErrRateLimited) {
			return err
		}
	}
	return errAuthenticationFailed(r.unknownCredential)
}

// FailureBudgetKey names an account's sign-in failure budget in the rate
// limiter. It is a hash of the canonical username: limiter keys never carry
// client input of unbounded length.
func FailureBudgetKey(canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return "signin-failures:" + hex.EncodeToString(sum[:16])
}
