package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// runRelay pairs 2×pairs users into sessions, then each pair ping-pongs ice-candidate
// messages through the server for `duration`.
func runRelay(t target, pairs int, duration time.Duration) {
	names := make([]string, 2*pairs)
	for i := range names {
		names[i] = fmt.Sprintf("r%d", i)
	}
	clients := connectAll(t, names)
	defer closeAll(clients)
	conn := newRawConn(t.base)
	sessions := make([]string, pairs)
	for p := 0; p < pairs; p++ {
		conn.do(joinRequest(t, names[2*p], p))
		conn.do(joinRequest(t, names[2*p+1], p))
		raw := clients[2*p].await("match-found", 5*time.Second)
		clients[2*p+1].await("match-found", 5*time.Second)
		var m struct {
			SessionID string `json:"sessionId"`
		}
		if raw == nil || json.Unmarshal(raw, &m) != nil {
			fmt.Println("relay: pair", p, "was not matched")
			return
		}
		sessions[p] = m.SessionID
	}

	var relayed int64
	var mu sync.Mutex
	var latencies []time.Duration
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	userBefore, systemBefore := cpuSplit(t.pid)
	start := time.Now()
	var wg sync.WaitGroup
	for p := 0; p < pairs; p++ {
		for side := 0; side < 2; side++ {
			wg.Add(1)
			go func(me, session string, c *client, starts bool) {
				defer wg.Done()
				var mine []time.Duration
				send := func() bool {
					return c.send(ctx, map[string]any{"type": "ice-candidate", "sessionId": session,
						"candidate": map[string]any{"t": time.Now().UnixNano(), "candidate": "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host"}}) == nil
				}
				if starts && !send() {
					return
				}
				for ctx.Err() == nil {
					var m message
					select {
					case m = <-c.in:
					case <-ctx.Done():
					}
					if m.kind != "ice-candidate" {
						continue
					}
					atomic.AddInt64(&relayed, 1)
					var relayedCandidate struct {
						Candidate struct {
							T int64 `json:"t"`
						} `json:"candidate"`
					}
					if json.Unmarshal(m.raw, &relayedCandidate) == nil && relayedCandidate.Candidate.T != 0 {
						mine = append(mine, time.Duration(time.Now().UnixNano()-relayedCandidate.Candidate.T))
					}
					if !send() {
						break
					}
				}
				mu.Lock()
				latencies = append(latencies, mine...)
				mu.Unlock()
			}(names[2*p+side], sessions[p], clients[2*p+side], side == 0)
		}
	}
	wg.Wait()
	elapsed := time.Since(start)
	userAfter, systemAfter := cpuSplit(t.pid)
	user, system := userAfter-userBefore, systemAfter-systemBefore
	cpu := user + system
	sortDurations(latencies)
	rate := float64(relayed) / elapsed.Seconds()
	perMessage := cpu / float64(relayed) * 1e6
	fmt.Printf("relay: %d pairs for %s: %d messages relayed, %.0f msg/s, server CPU %.2f s = %.2f µs per message (user %.2f, kernel %.2f), latency p50 %s p99 %s\n",
		pairs, duration, relayed, rate, cpu, perMessage, user/float64(relayed)*1e6, system/float64(relayed)*1e6,
		ms(percentile(latencies, 0.5)), ms(percentile(latencies, 0.99)))
	result("relay", map[string]any{"pairs": pairs, "messages": relayed, "messages_per_s": rate,
		"server_cpu_us_per_message": perMessage, "server_user_us_per_message": user / float64(relayed) * 1e6,
		"server_kernel_us_per_message": system / float64(relayed) * 1e6,
		"p50_ms":                       percentile(latencies, 0.5).Seconds() * 1000,
		"p99_ms":                       percentile(latencies, 0.99).Seconds() * 1000})
}
