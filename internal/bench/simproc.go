package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"time"
)

// The simulators of a run live in a process of their own, so that the
// bridge's process holds the bridge alone: its heap, its garbage
// collections and its CPU time are what the report gives, and the
// simulators' millions of records are neither counted as the sync's nor
// scanned by its collector.
//
// The bench process starts the child (Options.Simulators builds its
// command) and speaks to it in JSON lines over its standard input and
// output: one request, one reply. ServeSimulators is the child's side.

// simRequest is one request to the simulator process.
type simRequest struct {
	// Op is "serve" (start both simulators), "seed", "measure" (turn the
	// latencies and call counting on) or "finish" (turn them off and report
	// the calls).
	Op string `json:"op"`
	// Serve and seed.
	Pairs              int           `json:"pairs,omitempty"`
	MaxAccounts        int           `json:"max_accounts,omitempty"`
	OutOfSync          float64       `json:"out_of_sync,omitempty"`
	Unlinked           float64       `json:"unlinked,omitempty"`
	IntercomRateLimit  int           `json:"intercom_rate_limit,omitempty"`
	IntercomRateWindow time.Duration `json:"intercom_rate_window,omitempty"`
	// Measure.
	SalesforceLatency time.Duration `json:"salesforce_latency,omitempty"`
	IntercomLatency   time.Duration `json:"intercom_latency,omitempty"`
	// CPUProfile, when set, is the file the simulator process writes a
	// CPU profile of itself to, from measure to finish.
	CPUProfile string `json:"cpu_profile,omitempty"`
}

// simReply answers one request; Error is set when it failed.
type simReply struct {
	Error         string    `json:"error,omitempty"`
	SalesforceURL string    `json:"salesforce_url,omitempty"`
	IntercomURL   string    `json:"intercom_url,omitempty"`
	Seeded        *Seeded   `json:"seeded,omitempty"`
	Calls         *simCalls `json:"calls,omitempty"`
}

// simCalls is what the simulators saw between measure and finish.
type simCalls struct {
	Salesforce      map[string]int `json:"salesforce"`
	Intercom        map[string]int `json:"intercom"`
	IntercomReads   int            `json:"intercom_reads"`
	IntercomWrites  []time.Time    `json:"intercom_writes"`
	IntercomFailed  int            `json:"intercom_failed"`
	IntercomLimited int            `json:"intercom_limited"`
	// CPUSeconds is the simulator process's CPU time over the same span.
	CPUSeconds float64 `json:"cpu_seconds"`
}

func (r simRequest) options() Options {
	o := DefaultOptions()
	o.Pairs, o.MaxAccounts, o.OutOfSync, o.Unlinked = r.Pairs, r.MaxAccounts, r.OutOfSync, r.Unlinked
	o.IntercomRateLimit, o.IntercomRateWindow = r.IntercomRateLimit, r.IntercomRateWindow
	return o
}

// ServeSimulators is the simulator process of a run: it answers the bench
// process's requests, read from in, on out until in ends, then stops the
// simulators. `tandem bench simulators` runs it.
func ServeSimulators(in io.Reader, out io.Writer) error {
	// The simulators hold every record of a run, millions of small
	// objects, and change few of them: most of their CPU time went to the
	// collector marking that heap again and again. They stand in for two
	// vendors' services, whose cost is not the bridge's, so this process
	// collects less often, within a soft memory limit.
	debug.SetGCPercent(simGCPercent)
	debug.SetMemoryLimit(simMemoryLimit)
	var (
		s       *sims
		cpuFrom time.Duration
		profile *os.File
	)
	stopProfile := func() error {
		if profile == nil {
			return nil
		}
		pprof.StopCPUProfile()
		err := profile.Close()
		profile = nil
		return err
	}
	defer func() {
		_ = stopProfile()
		if s != nil {
			s.close()
		}
	}()
	dec, enc := json.NewDecoder(in), json.NewEncoder(out)
	for {
		var req simRequest
		if err := dec.Decode(&req); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("read a request: %w", err)
		}
		var (
			rep simReply
			err error
		)
		switch {
		case req.Op == "serve" && s != nil:
			err = errors.New("serving already")
		case req.Op == "serve":
			if s, err = startSims(req.options()); err == nil {
				rep.SalesforceURL, rep.IntercomURL = s.sfURL, s.icURL
			}
		case s == nil:
			err = fmt.Errorf("%q before serve", req.Op)
		case req.Op == "seed":
			var seeded Seeded
			if seeded, err = seed(s.ic, s.sf, req.options()); err == nil {
				rep.Seeded = &seeded
			}
		case req.Op == "measure":
			s.sf.Faults().SetLatency(req.SalesforceLatency)
			s.ic.Faults().SetLatency(req.IntercomLatency)
			s.sf.ResetCalls()
			s.ic.ResetCalls()
			s.icCalls.start()
			if req.CPUProfile != "" {
				err = startProfile(req.CPUProfile, &profile)
			}
			cpuFrom = cpuTime()
		case req.Op == "finish":
			err = stopProfile()
			s.icCalls.stop()
			s.sf.Faults().SetLatency(0)
			s.ic.Faults().SetLatency(0)
			rep.Calls = s.calls(cpuTime() - cpuFrom)
		default:
			err = fmt.Errorf("unknown request %q", req.Op)
		}
		if err != nil {
			rep.Error = err.Error()
		}
		if err := enc.Encode(rep); err != nil {
			return fmt.Errorf("write a reply: %w", err)
		}
	}
}

const (
	simGCPercent   = 400
	simMemoryLimit = 6 << 30
)

// startProfile starts a CPU profile of this process into a new file at path.
func startProfile(path string, f **os.File) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return err
	}
	*f = out
	return nil
}

// calls reports what the simulators counted.
func (s *sims) calls(cpu time.Duration) *simCalls {
	c := &simCalls{Salesforce: s.sf.Calls(), Intercom: s.ic.Calls(), CPUSeconds: cpu.Seconds()}
	s.icCalls.mu.Lock()
	defer s.icCalls.mu.Unlock()
	c.IntercomReads, c.IntercomFailed, c.IntercomLimited = s.icCalls.reads, s.icCalls.failed, s.icCalls.limited
	c.IntercomWrites = append([]time.Time(nil), s.icCalls.writes...)
	return c
}

// simProcess is the bench process's handle on the simulator process.
type simProcess struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *json.Decoder
	enc    *json.Encoder
	stderr bytes.Buffer

	closeOnce sync.Once
	closed    error
}

// startSimProcess starts cmd as the simulator process and has it serve the
// simulators o describes.
func startSimProcess(cmd *exec.Cmd, o Options) (*simProcess, simReply, error) {
	p := &simProcess{cmd: cmd}
	cmd.Stderr = &p.stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, simReply{}, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, simReply{}, err
	}
	if err := cmd.Start(); err != nil {
		return nil, simReply{}, fmt.Errorf("start the simulator process: %w", err)
	}
	p.in, p.out, p.enc = in, json.NewDecoder(bufio.NewReader(out)), json.NewEncoder(in)
	rep, err := p.do(simRequest{Op: "serve", IntercomRateLimit: o.IntercomRateLimit, IntercomRateWindow: o.IntercomRateWindow})
	if err != nil {
		p.close()
		return nil, simReply{}, err
	}
	return p, rep, nil
}

// do sends one request and reads its reply.
func (p *simProcess) do(req simRequest) (simReply, error) {
	var rep simReply
	if err := p.enc.Encode(req); err != nil {
		return rep, p.failed(req.Op, err)
	}
	if err := p.out.Decode(&rep); err != nil {
		return rep, p.failed(req.Op, err)
	}
	if rep.Error != "" {
		return rep, fmt.Errorf("simulator process: %s: %s", req.Op, rep.Error)
	}
	return rep, nil
}

// failed describes a broken conversation with the simulator process, with
// what it printed before it ended.
func (p *simProcess) failed(op string, err error) error {
	_ = p.close() // what it printed is read once it has ended
	if msg := strings.TrimSpace(p.stderr.String()); msg != "" {
		return fmt.Errorf("simulator process: %s: %w (it printed: %s)", op, err, msg)
	}
	return fmt.Errorf("simulator process: %s: %w", op, err)
}

func (p *simProcess) seed(o Options) (Seeded, error) {
	rep, err := p.do(simRequest{Op: "seed", Pairs: o.Pairs, MaxAccounts: o.MaxAccounts, OutOfSync: o.OutOfSync, Unlinked: o.Unlinked})
	if err != nil {
		return Seeded{}, err
	}
	if rep.Seeded == nil {
		return Seeded{}, errors.New("simulator process: seed: no figures in its reply")
	}
	return *rep.Seeded, nil
}

func (p *simProcess) measure(o Options) error {
	_, err := p.do(simRequest{Op: "measure", SalesforceLatency: o.SalesforceLatency, IntercomLatency: o.IntercomLatency,
		CPUProfile: o.SimulatorCPUProfile})
	return err
}

func (p *simProcess) finish() (simCalls, error) {
	rep, err := p.do(simRequest{Op: "finish"})
	if err != nil {
		return simCalls{}, err
	}
	if rep.Calls == nil {
		return simCalls{}, errors.New("simulator process: finish: no calls in its reply")
	}
	return *rep.Calls, nil
}

// close ends the simulator process, once: the end of its input stops it;
// one that does not stop within 10 s is killed. It waits for the process
// only then, when no reply is being read, and its standard error may be
// read once close has returned.
func (p *simProcess) close() error {
	p.closeOnce.Do(func() {
		p.in.Close()
		waited := make(chan error, 1)
		go func() { waited <- p.cmd.Wait() }()
		select {
		case p.closed = <-waited:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			p.closed = fmt.Errorf("simulator process did not stop: %w", <-waited)
		}
	})
	return p.closed
}

// SimulatorProcess returns the command of `tandem bench simulators` in the
// executable at path, for Options.Simulators.
func SimulatorProcess(path string) func(context.Context) *exec.Cmd {
	return func(ctx context.Context) *exec.Cmd { return exec.CommandContext(ctx, path, "bench", "simulators") }
}
