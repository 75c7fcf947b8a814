package main

import (
	"fmt"
	"sync"
	"time"
)

// runTopics measures GET /topics requests/s with a pool of keep-alive connections.
func runTopics(t target, conns int, duration time.Duration) {
	req := request("GET", t.base, "/topics?language=en&level=B1&limit=20", t.token("bench-reader"), "")
	var mu sync.Mutex
	var latencies []time.Duration
	errors := 0
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			failed := 0
			conn := newRawConn(t.base)
			for time.Now().Before(deadline) {
				start := time.Now()
				status, _, err := conn.do(req)
				if err != nil || status != 200 {
					failed++
					continue
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			errors += failed
			mu.Unlock()
		}()
	}
	wg.Wait()
	sortDurations(latencies)
	rate := float64(len(latencies)) / duration.Seconds()
	fmt.Printf("topics: %d requests in %s over %d connections: %.0f req/s, p50 %s, p99 %s, %d errors\n",
		len(latencies), duration, conns, rate, ms(percentile(latencies, 0.5)), ms(percentile(latencies, 0.99)), errors)
	result("topics", map[string]any{"requests_per_s": rate, "p50_ms": percentile(latencies, 0.5).Seconds() * 1000,
		"p99_ms": percentile(latencies, 0.99).Seconds() * 1000, "errors": errors})
}
