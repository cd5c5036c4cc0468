package crashtest

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	sfToken  = "crash-sf-token"
	icToken  = "crash-ic-token"
	icSecret = "crash-ic-secret"
	admin    = "crash-admin"
)

var urlRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)

// startSim starts `tandem sim <args>` and returns the first URL it prints.
// The process is stopped when the test ends.
func startSim(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"sim"}, args...)...)
	cmd.Env = asTandem(baseEnv(t))
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			if u := urlRE.FindString(sc.Text()); u != "" && !sent {
				found <- u
				sent = true
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case u := <-found:
		return u
	case <-time.After(20 * time.Second):
		t.Fatalf("tandem sim %v printed no URL; stderr: %s", args, stderr.String())
		return ""
	}
}

// baseEnv is a clean environment: no TANDEM_* variable of the caller leaks
// into the processes.
func baseEnv(t *testing.T) []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
}

// overwriteMappings are the default mappings with on_first_link: overwrite:
// the seeded pairs differ when first linked, and the suites check that
// every owner value arrives, whatever is killed when.
const overwriteMappings = `mappings:
  - {object: lead,    intercom: phone,                            salesforce: Phone,   direction: to_salesforce, on_first_link: overwrite}
  - {object: lead,    intercom: custom_attributes.plan,           salesforce: Plan__c, direction: to_salesforce, on_first_link: overwrite}
  - {object: lead,    intercom: custom_attributes.job_title,      salesforce: Title,   direction: to_intercom,   on_first_link: overwrite}
  - {object: lead,    intercom: custom_attributes.sf_lead_status, salesforce: Status,  direction: to_intercom,   on_first_link: overwrite}
  - {object: contact, intercom: phone,                            salesforce: Phone,   direction: to_salesforce, on_first_link: overwrite}
  - {object: contact, intercom: custom_attributes.plan,           salesforce: Plan__c, direction: to_salesforce, on_first_link: overwrite}
  - {object: contact, intercom: custom_attributes.job_title,      salesforce: Title,   direction: to_intercom,   on_first_link: overwrite}
  - {object: account, intercom: size,                             salesforce: NumberOfEmployees, direction: to_salesforce, on_first_link: overwrite}
  - {object: account, intercom: industry,                         salesforce: Industry, direction: to_intercom,  on_first_link: overwrite}
`

// writeConfig writes a configuration file with the overwrite mappings and
// extra settings, and returns its path.
func writeConfig(t *testing.T, extra string) string {
	path := filepath.Join(t.TempDir(), "tandem.yaml")
	require.NoError(t, os.WriteFile(path, []byte(extra+overwriteMappings), 0o600))
	return path
}

// bridgeEnv configures tandem through TANDEM_* variables.
func bridgeEnv(t *testing.T, dataDir, listen, sfURL, icURL string) []string {
	return append(baseEnv(t),
		"TANDEM_DATA_DIR="+dataDir,
		"TANDEM_LISTEN="+listen,
		"TANDEM_ADMIN_TOKEN="+admin,
		"TANDEM_SALESFORCE_URL="+sfURL,
		"TANDEM_SALESFORCE_TOKEN="+sfToken,
		"TANDEM_INTERCOM_URL="+icURL,
		"TANDEM_INTERCOM_TOKEN="+icToken,
		"TANDEM_INTERCOM_CLIENT_SECRET="+icSecret,
	)
}

// proc is one run of the tandem binary.
type proc struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	err  error
}

func startProc(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(binary, args...), out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Env = asTandem(env)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	require.NoError(t, p.cmd.Start())
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill() })
	return p
}

// exited reports whether the process ended by itself.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL (if the process still runs) and waits for it.
func (p *proc) kill() {
	if !p.exited() {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-p.done
}

// wait waits for the process to end by itself, up to d.
func (p *proc) wait(t *testing.T, d time.Duration) error {
	t.Helper()
	select {
	case <-p.done:
		return p.err
	case <-time.After(d):
		p.kill()
		t.Fatalf("tandem %v did not finish in %s; output:\n%s", p.cmd.Args[1:], d, p.out.String())
		return nil
	}
}

// freeAddr returns a 127.0.0.1 address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// waitHTTP polls url until it answers 200 or ctx ends.
func waitHTTP(ctx context.Context, t *testing.T, url string, p *proc) {
	t.Helper()
	for {
		if ok, _ := get(ctx, url); ok {
			return
		}
		if p.exited() {
			t.Fatalf("tandem exited before answering %s: %v\n%s", url, p.err, p.out.String())
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s never answered", url)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server starts `tandem serve` again and again on one address, keeping
// every run for the logs.
type server struct {
	t           *testing.T
	env         []string
	cfg, listen string
	runs        []*proc
}

// start starts a run and waits until it answers its health check.
func (s *server) start(ctx context.Context) *proc {
	p := startProc(s.t, s.env, "serve", "--config", s.cfg)
	s.runs = append(s.runs, p)
	waitHTTP(ctx, s.t, "http://"+s.listen+"/healthz", p)
	return p
}

// logRecordLines logs, run by run, the bridge's output lines that name any
// of ids, so a failure shows what the bridge did with the records involved.
func logRecordLines(t *testing.T, runs []*proc, ids []string) {
	t.Helper()
	for i, p := range runs {
		var b strings.Builder
		for _, line := range strings.Split(p.out.String(), "\n") {
			for _, id := range ids {
				if id != "" && strings.Contains(line, id) {
					b.WriteString(line)
					b.WriteByte('\n')
					break
				}
			}
		}
		t.Logf("run %d, lines naming the lost records:\n%s", i+1, b.String())
	}
}
