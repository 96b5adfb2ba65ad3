package domain

import "testing"

// TestSignCountAccepted is the sign counter rule (WebAuthn §6.1.1, contract
// §7.6), the one place it is tested case by case; the layers around it test
// what they do with its verdict.
func TestSignCountAccepted(t *testing.T) {
	for _, tc := range []struct {
		stored, presented uint32
		want              bool
		why               string
	}{
		{0, 0, true, "no counter (synced passkeys report 0 every time)"},
		{0, 1, true, "the counter starts moving"},
		{5, 6, true, "growth"},
		{5, 4000000000, true, "growth by any amount"},
		{5, 5, false, "equal non-zero: a replay"},
		{5, 4, false, "lower: a cloned authenticator"},
		{5, 0, false, "back to no counter"},
		{4294967295, 0, false, "no wrap-around"},
	} {
		if got := SignCountAccepted(tc.stored, tc.presented); got != tc.want {
			t.Errorf("stored %d, presented %d (%s): %t, want %t", tc.stored, tc.presented, tc.why, got, tc.want)
		}
	}
}
