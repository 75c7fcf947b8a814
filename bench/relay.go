package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
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

	// The ping-pong runs in each client's reader goroutine: a message is answered where it
	// is read, from a buffer encoded by hand. A channel hop, a JSON map and a write bound to
	// a context per message held the rate at ~60,000 messages/s; this way ~85,000.
	var relayed int64
	var stopped atomic.Bool
	players := make([]*player, len(clients))
	for i, c := range clients {
		players[i] = &player{c: c, session: sessions[i/2]}
		h := players[i].answer(&stopped, &relayed)
		c.relay.Store(&h)
	}
	userBefore, systemBefore := cpuSplit(t.pid)
	selfBefore := cpuSeconds(os.Getpid())
	start := time.Now()
	for p := 0; p < pairs; p++ {
		players[2*p].send()
	}
	time.Sleep(duration)
	stopped.Store(true)
	elapsed := time.Since(start)
	userAfter, systemAfter := cpuSplit(t.pid)
	selfPerMessage := (cpuSeconds(os.Getpid()) - selfBefore) / float64(atomic.LoadInt64(&relayed)) * 1e6
	var latencies []time.Duration
	for _, pl := range players {
		pl.mu.Lock()
		latencies = append(latencies, pl.latencies...)
		pl.mu.Unlock()
	}
	user, system := userAfter-userBefore, systemAfter-systemBefore
	cpu := user + system
	relayed = atomic.LoadInt64(&relayed)
	sortDurations(latencies)
	rate := float64(relayed) / elapsed.Seconds()
	perMessage := cpu / float64(relayed) * 1e6
	fmt.Printf("relay: %d pairs for %s: %d messages relayed, %.0f msg/s, server CPU %.2f s = %.2f µs per message (user %.2f, kernel %.2f), latency p50 %s p99 %s; load generator %.2f µs per message\n",
		pairs, duration, relayed, rate, cpu, perMessage, user/float64(relayed)*1e6, system/float64(relayed)*1e6,
		ms(percentile(latencies, 0.5)), ms(percentile(latencies, 0.99)), selfPerMessage)
	result("relay", map[string]any{"pairs": pairs, "messages": relayed, "messages_per_s": rate,
		"server_cpu_us_per_message": perMessage, "server_user_us_per_message": user / float64(relayed) * 1e6,
		"server_kernel_us_per_message": system / float64(relayed) * 1e6,
		"p50_ms":                       percentile(latencies, 0.5).Seconds() * 1000,
		"p99_ms":                       percentile(latencies, 0.99).Seconds() * 1000})
}

// player is one side of a pair during the ping-pong.
type player struct {
	c         *client
	session   string
	out       []byte
	mu        sync.Mutex
	latencies []time.Duration
}

const candidateLine = "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host"

// send writes an ice-candidate carrying the time it was sent.
func (p *player) send() {
	p.out = append(p.out[:0], `{"type":"ice-candidate","sessionId":"`...)
	p.out = append(p.out, p.session...)
	p.out = append(p.out, `","candidate":{"t":`...)
	p.out = strconv.AppendInt(p.out, time.Now().UnixNano(), 10)
	p.out = append(p.out, `,"candidate":"`+candidateLine+`"}}`...)
	_ = p.c.conn.Write(context.Background(), websocket.MessageText, p.out)
}

var sentAtField = []byte(`"t":`)

// answer returns the handler that counts a relayed candidate, notes its latency and
// answers it, until stopped.
func (p *player) answer(stopped *atomic.Bool, relayed *int64) func([]byte) {
	return func(raw []byte) {
		if stopped.Load() || messageType(raw) != "ice-candidate" {
			return
		}
		atomic.AddInt64(relayed, 1)
		if i := bytes.Index(raw, sentAtField); i >= 0 {
			digits := raw[i+len(sentAtField):]
			end := bytes.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' })
			if end > 0 {
				if sent, err := strconv.ParseInt(string(digits[:end]), 10, 64); err == nil {
					p.mu.Lock()
					p.latencies = append(p.latencies, time.Duration(time.Now().UnixNano()-sent))
					p.mu.Unlock()
				}
			}
		}
		p.send()
	}
}
