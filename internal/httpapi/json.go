package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxBodyBytes is the largest request body accepted (contract §2).
const MaxBodyBytes = 2 << 20

var (
	errUnsupportedMedia = &httpError{http.StatusUnsupportedMediaType, "content type must be application/json"}
	errBodyTooLarge     = &httpError{http.StatusRequestEntityTooLarge, "request body is larger than 2 MiB"}
	errMalformedJSON    = &httpError{http.StatusBadRequest, "request body is not valid JSON"}
	errInvalidUTF8      = &httpError{http.StatusBadRequest, "request body is not valid UTF-8"}
	errTrailingData     = &httpError{http.StatusUnprocessableEntity, "request body has data after the JSON value"}
	errNotAnObject      = &httpError{http.StatusUnprocessableEntity, "request body must be a JSON object"}
	errNoRoute          = &httpError{http.StatusNotFound, "no such route"}
	errMethodNotAllowed = &httpError{http.StatusMethodNotAllowed, "method not allowed"}
	errHandlerPanicked  = errors.New("handler panicked") // no kind: answered as a bare 500
)

// unprocessable is a 422: well-formed JSON of the wrong shape.
func unprocessable(message string) error {
	return &httpError{http.StatusUnprocessableEntity, message}
}

// decodeJSON applies the rules of contract §2 in order: content type (415),
// size (413), UTF-8 and syntax (400), then shape (422). Unknown fields are
// ignored.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if !isJSONContentType(r.Header.Get("Content-Type")) {
		return errUnsupportedMedia
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errBodyTooLarge
		}
		return &httpError{http.StatusBadRequest, "request body could not be read"}
	}
	if !utf8.Valid(body) {
		return errInvalidUTF8
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return unprocessable(typeMessage(typeErr))
		}
		return errMalformedJSON
	}
	// A JSON null decodes into any struct without error and would pass
	// for an empty object; every request body is an object.
	if bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("null")) {
		return errNotAnObject
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errTrailingData
	}
	return nil
}

// typeMessage names the field and the expected type, nothing else.
func typeMessage(e *json.UnmarshalTypeError) string {
	if e.Field == "" {
		return "request body must be a JSON object"
	}
	return "field " + e.Field + " must be " + jsonTypeName(e.Type.Kind().String())
}

func jsonTypeName(goKind string) string {
	switch {
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"):
		return "an integer in range"
	case strings.HasPrefix(goKind, "float"):
		return "a number in range"
	case goKind == "string":
		return "a string"
	case goKind == "bool":
		return "a boolean"
	}
	return "of the documented type"
}

// isJSONContentType accepts application/json and application/*+json.
func isJSONContentType(value string) bool {
	mt, _, err := mime.ParseMediaType(value)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// writeJSON answers with a JSON body. Our response types always encode; if
// one ever did not, that is a bug, answered as a bare 500 rather than a
// half-written body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf, err := json.Marshal(v)
	if err != nil {
		status, buf = http.StatusInternalServerError, []byte(`{"error":"internal server error"}`)
	}
	writeJSONBytes(w, status, append(buf, '\n'))
}

// writeJSONBytes answers an encoded JSON body (newline included) with its
// content type and length. A failed write means the client has gone: there
// is no one left to answer, so the error is dropped.
func writeJSONBytes(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = headerJSONContent
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
