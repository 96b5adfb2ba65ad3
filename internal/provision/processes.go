package provision

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ChildProcesses lists the processes whose parent is pid, read from Linux's
// /proc. Elsewhere it finds none, and callers then do not wait for children.
func ChildProcesses(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat") // the pattern is valid
	var kids []int
	for _, path := range stats {
		ppid, _, ok := processStat(path)
		if ok && ppid == pid {
			kid, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
			kids = append(kids, kid)
		}
	}
	return kids
}

// processStat reads the parent pid and state of /proc/<pid>/stat. The
// command name (second field) may hold spaces and parentheses, so the
// fields are counted from its closing parenthesis.
func processStat(path string) (ppid int, state string, ok bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, "", false
	}
	s := string(raw)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, "", false
	}
	fields := strings.Fields(s[end+1:])
	if len(fields) < 2 {
		return 0, "", false
	}
	ppid, err = strconv.Atoi(fields[1])
	return ppid, fields[0], err == nil
}

// gone reports whether pid has exited. A zombie has exited too: its parent
// (here often the machine's init) just has not collected it yet.
func gone(pid int) bool {
	_, state, ok := processStat("/proc/" + strconv.Itoa(pid) + "/stat")
	return !ok || state == "Z" || state == "X"
}

// WaitGone polls until every pid has exited, failing after timeout (which
// only stops a hang).
func WaitGone(pids []int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for _, pid := range pids {
		for !gone(pid) {
			if time.Now().After(deadline) {
				return fmt.Errorf("process %d still runs after %s", pid, timeout)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return nil
}
