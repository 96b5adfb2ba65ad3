package domain

import (
	"testing"
	"time"
)

func TestSessionLifetimeRules(t *testing.T) {
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	s := Session{CreatedAt: start, ExpiresAt: start.Add(7 * 24 * time.Hour), LastSeenAt: start}
	idle := 24 * time.Hour
	for _, tc := range []struct {
		name   string
		seen   time.Duration // after start
		now    time.Duration // after start
		active bool
	}{
		{"fresh", 0, time.Minute, true},
		{"just within the idle timeout", 0, idle - time.Second, true},
		{"idle too long", 0, idle, false},
		{"used recently, near the end", 6*24*time.Hour + 23*time.Hour, 7*24*time.Hour - time.Second, true},
		{"past the absolute expiry, however recent the use", 7*24*time.Hour - time.Minute, 7 * 24 * time.Hour, false},
	} {
		s.LastSeenAt = start.Add(tc.seen)
		if got := s.ActiveAt(start.Add(tc.now), idle); got != tc.active {
			t.Errorf("%s: active %t, want %t", tc.name, got, tc.active)
		}
	}
	s.LastSeenAt = start
	if ttl := s.StoreTTL(start, idle); ttl != idle {
		t.Errorf("store TTL of a fresh session %v, want the idle timeout", ttl)
	}
	if ttl := s.StoreTTL(start.Add(7*24*time.Hour-time.Hour), idle); ttl != time.Hour {
		t.Errorf("store TTL near the end %v, want what is left of the absolute lifetime", ttl)
	}
}

func TestSessionVerifiedWithin(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	window := 5 * time.Minute
	for _, tc := range []struct {
		name     string
		verified time.Time
		want     bool
	}{
		{"never", time.Time{}, false},
		{"a moment ago", now.Add(-time.Second), true},
		{"at the edge of the window", now.Add(-window), true},
		{"past the window", now.Add(-window - time.Millisecond), false},
		{"stamped by an instance whose clock runs ahead", now.Add(2 * time.Second), true},
		{"far in the future", now.Add(time.Hour), false},
	} {
		if got := (Session{VerifiedAt: tc.verified}).VerifiedWithin(now, window); got != tc.want {
			t.Errorf("%s: %t, want %t", tc.name, got, tc.want)
		}
	}
}
