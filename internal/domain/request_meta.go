package domain

import "context"

// RequestMeta is who asks, as an account's sessions and security events
// record it: the client, and the request id that ties the event to the log.
type RequestMeta struct {
	Client    ClientInfo
	RequestID string
}

type requestMetaKey struct{}

// WithRequestMeta returns ctx carrying m. The HTTP layer sets it on the
// requests that touch accounts; services read it where they record.
func WithRequestMeta(ctx context.Context, m RequestMeta) context.Context {
	return context.WithValue(ctx, requestMetaKey{}, m)
}

// RequestMetaFrom is the RequestMeta of ctx, zero when there is none.
func RequestMetaFrom(ctx context.Context) RequestMeta {
	m, _ := ctx.Value(requestMetaKey{}).(RequestMeta)
	return m
}
