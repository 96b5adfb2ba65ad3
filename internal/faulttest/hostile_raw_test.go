package faulttest

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"movieapi/internal/loadtest"
)

// rawAnswer is what came back on a raw connection: a status, or nothing
// before the server closed it.
type rawAnswer struct {
	status int
	closed bool
	err    error
}

// sendRaw writes j's raw request on a fresh connection and reads the answer.
func sendRaw(addr string, j hostileJob) rawAnswer {
	conn, err := net.DialTimeout("tcp", addr, hangBound)
	if err != nil {
		return rawAnswer{err: err}
	}
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(hangBound))
	line := j.method + " " + j.path + " HTTP/1.1"
	if j.raw.requestLine != nil {
		// Without the query: what the case appends must land in the path.
		path, _, _ := strings.Cut(j.path, "?")
		line = j.raw.requestLine(j.method, path)
	}
	req := line + "\r\nHost: localhost\r\n" + j.raw.headers + "Content-Length: 0\r\nConnection: close\r\n\r\n"
	// The server may answer and close before reading everything (an
	// oversized header block): a failed write still leaves its answer to read.
	_, _ = io.WriteString(conn, req)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
			return rawAnswer{closed: true}
		}
		return rawAnswer{err: err}
	}
	_ = resp.Body.Close()
	return rawAnswer{status: resp.StatusCode}
}

// judgeRaw: the wanted status, or the connection closed without an answer.
func judgeRaw(fails *loadtest.Failures, j hostileJob, a rawAnswer) {
	switch {
	case a.err != nil:
		fails.Add("%s: %v", j, a.err)
	case a.closed:
	case a.status != j.want[0]:
		fails.Add("%s: %d, want %d or the connection closed", j, a.status, j.want[0])
	}
}
