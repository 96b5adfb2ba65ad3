package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
)

// recoverPanics turns a panic in a handler into a logged 500 with a JSON body
// that says nothing about the cause. http.ErrAbortHandler is the standard
// library's way to abort a response and is passed on.
func (s *AppState) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			s.Log.ErrorContext(r.Context(), "panic while serving request",
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			s.fail(w, r, errHandlerPanicked)
		}()
		next.ServeHTTP(w, r)
	})
}
