// The Conversation Service's load generator: run against the real binary by bench/run.
// Figures, not pass/fail: see docs/benchmarks.md.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: bench idle|idle-client|relay|match-max|match-paced|topics [flags]")
		os.Exit(2)
	}
	flags := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	base := flags.String("base", "", "server base URL, http://127.0.0.1:PORT")
	secret := flags.String("secret", "", "the server's CONV_JWT_SECRET")
	pid := flags.Int("pid", 0, "the server's pid, for CPU and RSS")
	count := flags.Int("count", 15000, "connections or users")
	processes := flags.Int("processes", 3, "client processes for idle connections")
	source := flags.String("source", "", "loopback source address")
	prefix := flags.String("prefix", "idle-", "user id prefix")
	pairs := flags.Int("pairs", 200, "session pairs for relay")
	workers := flags.Int("workers", 128, "concurrent joiners for match-max")
	rate := flags.Float64("rate", 1000, "matches per second for match-paced")
	duration := flags.Duration("duration", 10*time.Second, "how long relay and topics run")
	flags.Parse(os.Args[2:])
	// The generator's garbage collector off, bounded by a memory limit instead: on the two
	// cores it shares with the server, its mark phases and assists stalled the goroutines
	// that read the server's answers, and showed up as 10-30 ms latency tails the server's
	// own request histogram did not have (docs/benchmarks.md).
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(4 << 30)
	t := target{base: *base, secret: *secret, pid: *pid}

	switch os.Args[1] {
	case "idle":
		runIdle(t, *count, *processes)
	case "idle-client":
		runIdleClient(t, *count, *source, *prefix)
	case "relay":
		runRelay(t, *pairs, *duration)
	case "match-max":
		runMatchMax(t, *count, *workers)
	case "match-paced":
		runMatchPaced(t, *count, *rate)
	case "topics":
		runTopics(t, 64, *duration)
	default:
		fmt.Fprintln(os.Stderr, "unknown scenario", os.Args[1])
		os.Exit(2)
	}
}
