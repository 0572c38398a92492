package executor

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Pauses of the process handling, variables so that tests can shorten them.
var (
	// killGrace is how long an agent has to stop after SIGTERM before it gets SIGKILL.
	killGrace = 2 * time.Second
	// drainTimeout is how long the output of an agent that exited may stay open, held by a
	// process that left the agent's process group, before Run stops reading it.
	drainTimeout = 2 * time.Second
)

// errTooLarge is the failure of an agent whose result passes MaxResultBytes.
var errTooLarge = errors.New("executor: the result is larger than 4 MiB")

// process is a started agent program with the parent's ends of its standard files.
type process struct {
	cmd    *exec.Cmd
	stdin  *os.File
	stdout *os.File
	stderr *os.File
}

// runProgram runs argv with env and stdin as its input, streams its stderr to logf and
// returns its stdout. The program leads a process group of its own: the group is sent
// SIGTERM, then SIGKILL, when ctx ends, and SIGKILL once the program exits, so nothing the
// agent started outlives the run and no grandchild can keep Run waiting on a pipe.
func runProgram(ctx context.Context, argv, env []string, stdin []byte, logf func(string)) (
	[]byte, error) {
	path, err := lookPath(argv[0])
	if err != nil {
		return nil, err
	}
	p, err := startProcess(path, argv, env)
	if err != nil {
		return nil, err
	}
	pid := p.cmd.Process.Pid
	slog.Debug("agent program started", "program", path, "pid", pid)

	out := &limitedBuffer{max: MaxResultBytes, full: func() { signalGroup(pid, syscall.SIGKILL) }}
	var wg sync.WaitGroup
	wg.Go(func() { feed(p.stdin, stdin) })
	wg.Go(func() { collect(out, p.stdout) })
	wg.Go(func() { streamLines(p.stderr, logf) })

	exited := make(chan struct{})
	go stopOnDone(ctx, pid, exited)
	waitErr := p.cmd.Wait()
	close(exited)
	// What the agent left running ends with it, which also closes the pipes it holds.
	signalGroup(pid, syscall.SIGKILL)
	p.drain(&wg)

	switch {
	case out.overflow:
		return nil, errTooLarge
	case waitErr != nil:
		return nil, exitError(waitErr)
	}
	return out.buf.Bytes(), nil
}

// startProcess starts the program at path in a new process group, connected to three pipes.
func startProcess(path string, argv, env []string) (*process, error) {
	// For each standard file, the end the child uses and the end the parent keeps; the
	// child reads stdin and writes the two others.
	var child, parent [3]*os.File
	for i := range child {
		r, w, err := os.Pipe()
		if err != nil {
			closeFiles(child[:i]...)
			closeFiles(parent[:i]...)
			return nil, fmt.Errorf("executor: create a pipe: %w", err)
		}
		child[i], parent[i] = w, r
		if i == 0 {
			child[i], parent[i] = r, w
		}
	}

	cmd := &exec.Cmd{
		Path: path, Args: argv, Env: env,
		Stdin: child[0], Stdout: child[1], Stderr: child[2],
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true},
	}
	err := cmd.Start()
	closeFiles(child[:]...)
	if err != nil {
		closeFiles(parent[:]...)
		return nil, fmt.Errorf("executor: start the program %q: %w", argv[0], err)
	}
	return &process{cmd: cmd, stdin: parent[0], stdout: parent[1], stderr: parent[2]}, nil
}

func closeFiles(files ...*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// stopOnDone terminates the process group led by pid when ctx ends before the program exits:
// SIGTERM first so that the agent can stop cleanly, SIGKILL after killGrace.
func stopOnDone(ctx context.Context, pid int, exited <-chan struct{}) {
	select {
	case <-exited:
		return
	case <-ctx.Done():
	}
	signalGroup(pid, syscall.SIGTERM)
	t := time.NewTimer(killGrace)
	defer t.Stop()
	select {
	case <-exited:
	case <-t.C:
		signalGroup(pid, syscall.SIGKILL)
	}
}

// drain waits for the goroutines serving the pipes. A process that escaped the group (with
// setsid, say) may hold a pipe open forever, so past drainTimeout the pipes are given a
// deadline that ends the goroutines' blocked reads and writes.
func (p *process) drain(wg *sync.WaitGroup) {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return
	case <-time.After(drainTimeout):
	}
	slog.Warn("agent output still open after the agent exited; closing it",
		"pid", p.cmd.Process.Pid)
	now := time.Now()
	p.stdin.SetWriteDeadline(now)
	p.stdout.SetReadDeadline(now)
	p.stderr.SetReadDeadline(now)
	<-done
}

// feed writes data to the program's stdin and closes it. A program that exits without
// reading its input is not at fault, so write errors are ignored.
func feed(w *os.File, data []byte) {
	w.Write(data)
	w.Close()
}

// collect reads the program's stdout into out until it ends or out is full.
func collect(out *limitedBuffer, r *os.File) {
	io.Copy(out, r)
	r.Close()
}

// limitedBuffer keeps at most max bytes; a write past that fails and calls full once.
type limitedBuffer struct {
	buf      bytes.Buffer
	max      int
	overflow bool
	full     func()
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.buf.Len()+len(p) > b.max {
		b.overflow = true
		b.full()
		return 0, errTooLarge
	}
	return b.buf.Write(p)
}

// streamLines calls logf with each line of r as soon as it is complete, and closes r at its
// end. A line longer than MaxLogLineBytes is cut there and marked; the rest of it is dropped.
func streamLines(r *os.File, logf func(string)) {
	defer r.Close()
	br := bufio.NewReaderSize(r, MaxLogLineBytes+1)
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			logf(cleanLine(line[:MaxLogLineBytes]) + truncatedMark)
			skipLine(br)
			continue
		}
		if len(line) > 0 {
			logf(cleanLine(line))
		}
		if err != nil {
			return
		}
	}
}

// skipLine drops the rest of the current line.
func skipLine(br *bufio.Reader) {
	for {
		if _, err := br.ReadSlice('\n'); !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
	}
}

// cleanLine strips the line ending and replaces bytes that are not UTF-8, which the log
// could not store as text.
func cleanLine(line []byte) string {
	s := strings.TrimSuffix(string(line), "\n")
	s = strings.TrimSuffix(s, "\r")
	return strings.ToValidUTF8(s, "\uFFFD")
}
