package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// queueFor spreads pairs over queues that never match each other (English with 676
// regions, en-AA to en-ZZ, at A1 or C1), so each pair's second join meets its own first one.
func queueFor(pair int) (string, string) {
	n := pair % (26 * 26 * 2)
	lang := "en-" + string([]byte{byte('A' + n/2/26), byte('A' + n/2%26)})
	level := "A1"
	if n%2 == 1 {
		level = "C1"
	}
	return lang, level
}

// joinRequest is user's POST /matchmaking/join for the queue of pair.
func joinRequest(t target, user string, pair int) []byte {
	lang, level := queueFor(pair)
	body := fmt.Sprintf(`{"targetLanguageCode":"%s","userLevel":"%s"}`, lang, level)
	return request("POST", t.base, "/matchmaking/join", t.token(user), body)
}

// connectAll opens a WebSocket for each user, 256 at a time.
func connectAll(t target, users []string) []*client {
	clients := make([]*client, len(users))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 256)
	for i, u := range users {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, u string) {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := connect(context.Background(), t, u)
			if err != nil {
				fmt.Println("connect:", err)
				return
			}
			clients[i] = c
		}(i, u)
	}
	wg.Wait()
	return clients
}

// runMatchMax joins users pair by pair from many workers as fast as the server answers.
func runMatchMax(t target, users int, workers int) float64 {
	names := make([]string, users)
	for i := range names {
		names[i] = fmt.Sprintf("m%d", i)
	}
	clients := connectAll(t, names)
	defer closeAll(clients)
	pairs := users / 2
	requests := make([][]byte, users)
	for i, u := range names {
		requests[i] = joinRequest(t, u, i/2)
	}
	var next, matched, failed int64 = -1, 0, 0
	var wg sync.WaitGroup
	fmt.Fprintf(os.Stderr, "match: %d users connected, joining\n", users)
	userBefore, kernelBefore := cpuSplit(t.pid)
	selfBefore := cpuSeconds(os.Getpid())
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn := newRawConn(t.base)
			for {
				p := int(atomic.AddInt64(&next, 1))
				if p >= pairs {
					return
				}
				for _, req := range requests[2*p : 2*p+2] {
					code, _, err := conn.do(req)
					switch {
					case err != nil || (code != 201 && code != 202):
						atomic.AddInt64(&failed, 1)
					case code == 201:
						atomic.AddInt64(&matched, 1)
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	userAfter, kernelAfter := cpuSplit(t.pid)
	selfPerJoin := (cpuSeconds(os.Getpid()) - selfBefore) / float64(2*pairs) * 1e6
	joins := float64(2 * pairs)
	joinRate := joins / elapsed.Seconds()
	matchRate := float64(matched) / elapsed.Seconds()
	userPerJoin := (userAfter - userBefore) / joins * 1e6
	kernelPerJoin := (kernelAfter - kernelBefore) / joins * 1e6
	fmt.Printf("match (max rate): %d users, %d workers: %.0f joins/s, %.0f matches/s (%d matches, %d failed) in %s; server CPU %.0f µs per join (user %.0f, kernel %.0f); load generator %.0f µs per join\n",
		users, workers, joinRate, matchRate, matched, failed, elapsed.Round(time.Millisecond),
		userPerJoin+kernelPerJoin, userPerJoin, kernelPerJoin, selfPerJoin)
	result("match-max", map[string]any{"users": users, "joins_per_s": joinRate, "matches_per_s": matchRate,
		"failed": failed, "cpu_us_per_join": userPerJoin + kernelPerJoin})
	return matchRate
}

// runMatchPaced starts pairs at `rate` matches/s and measures the second join → match-found
// on both users' WebSockets.
func runMatchPaced(t target, users int, rate float64) {
	names := make([]string, users)
	for i := range names {
		names[i] = fmt.Sprintf("p%d", i)
	}
	clients := connectAll(t, names)
	defer closeAll(clients)
	fmt.Fprintf(os.Stderr, "match: %d users connected, joining\n", users)
	pool := newRawPool(t.base, 512)
	bucketsBefore, _ := requestBuckets(t.base)
	pairs := users / 2
	var mu sync.Mutex
	var joiner, waiter []time.Duration
	missing := 0
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	for p := 0; p < pairs; p++ {
		time.Sleep(time.Until(start.Add(time.Duration(p) * interval)))
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			a, b := clients[2*p], clients[2*p+1]
			if a == nil || b == nil {
				return
			}
			first, second := joinRequest(t, a.user, p), joinRequest(t, b.user, p)
			if code, err := pool.do(first); err != nil || code != 202 {
				return
			}
			sent := time.Now()
			if code, err := pool.do(second); err != nil || code != 201 {
				return
			}
			mb := b.await("match-found", 5*time.Second)
			tb := time.Since(sent)
			ma := a.await("match-found", 5*time.Second)
			ta := time.Since(sent)
			mu.Lock()
			defer mu.Unlock()
			if ma == nil || mb == nil {
				missing++
				return
			}
			joiner = append(joiner, tb)
			waiter = append(waiter, ta)
		}(p)
	}
	wg.Wait()
	bucketsAfter, _ := requestBuckets(t.base)
	// The server's own view (its conv_http_request_seconds histogram, joins only in this
	// window): from the request read to the response written, match-found sent before.
	serverP99 := serverP99Bound(bucketsBefore, bucketsAfter)
	sortDurations(joiner)
	sortDurations(waiter)
	fmt.Printf("match (paced at %.0f matches/s): join → match-found for the joiner p50 %s p99 %s; for the waiter p50 %s p99 %s; %d missing; server-side p99 of the joins ≤ %.1f ms\n",
		rate, ms(percentile(joiner, 0.5)), ms(percentile(joiner, 0.99)), ms(percentile(waiter, 0.5)),
		ms(percentile(waiter, 0.99)), missing, serverP99*1000)
	result("match-paced", map[string]any{"rate": rate, "joiner_p50_ms": percentile(joiner, 0.5).Seconds() * 1000,
		"joiner_p99_ms": percentile(joiner, 0.99).Seconds() * 1000, "waiter_p50_ms": percentile(waiter, 0.5).Seconds() * 1000,
		"waiter_p99_ms": percentile(waiter, 0.99).Seconds() * 1000, "missing": missing,
		"server_p99_bound_ms": serverP99 * 1000})
}

func closeAll(clients []*client) {
	for _, c := range clients {
		if c != nil {
			c.conn.CloseNow()
		}
	}
}
