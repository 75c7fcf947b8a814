package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// target is the server under test.
type target struct {
	base   string // http://127.0.0.1:PORT
	secret string // CONV_JWT_SECRET of the server, to sign tokens locally
	pid    int    // for CPU and RSS readings from /proc
}

func (t target) wsURL(user string) string {
	return strings.Replace(t.base, "http://", "ws://", 1) + "/ws?access_token=" + t.token(user)
}

// tokens holds each user's signed token: a client signs in once, not before every request.
var tokens sync.Map

// token signs an HS256 JWT for user, as the platform's Auth Service would.
func (t target) token(user string) string {
	key := t.secret + "\x00" + user
	if tok, ok := tokens.Load(key); ok {
		return tok.(string)
	}
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]any{"sub": user, "exp": time.Now().Add(2 * time.Hour).Unix()})
	input := header + "." + enc.EncodeToString(claims)
	mac := hmac.New(sha256.New, []byte(t.secret))
	mac.Write([]byte(input))
	tok := input + "." + enc.EncodeToString(mac.Sum(nil))
	tokens.Store(key, tok)
	return tok
}

// cpuSeconds is the server's user+system CPU time so far.
func cpuSeconds(pid int) float64 {
	user, system := cpuSplit(pid)
	return user + system
}

// cpuSplit is the server's user and system (kernel) CPU time so far, in seconds.
func cpuSplit(pid int) (user, system float64) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0
	}
	// Fields after the command name (which may contain spaces) start after ") ".
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+2:]))
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	const ticks = 100 // CLK_TCK on Linux
	return utime / ticks, stime / ticks
}

// rssBytes is the server's resident set size.
func rssBytes(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p)
	return sorted[i]
}

func sortDurations(d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d.Microseconds())/1000) }

// result prints one scenario's figures as a line of JSON, for pasting into notes.
func result(scenario string, figures map[string]any) {
	figures["scenario"] = scenario
	line, _ := json.Marshal(figures)
	fmt.Println(string(line))
}

// requestBuckets reads the server's conv_http_request_seconds histogram from /metrics:
// cumulative counts by upper bound in seconds.
func requestBuckets(base string) (map[float64]float64, error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	buckets := map[float64]float64{}
	const prefix = `conv_http_request_seconds_bucket{le="`
	for _, line := range strings.Split(string(body), "\n") {
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		le, count, ok := strings.Cut(line[len(prefix):], `"} `)
		if !ok {
			continue
		}
		bound := math.Inf(1)
		if le != "+Inf" {
			if bound, err = strconv.ParseFloat(le, 64); err != nil {
				return nil, err
			}
		}
		n, err := strconv.ParseFloat(count, 64)
		if err != nil {
			return nil, err
		}
		buckets[bound] = n
	}
	return buckets, nil
}

// serverP99Bound is the upper bound of the histogram bucket holding the 99th percentile of
// the requests answered between two readings.
func serverP99Bound(before, after map[float64]float64) float64 {
	bounds := make([]float64, 0, len(after))
	for b := range after {
		bounds = append(bounds, b)
	}
	sort.Float64s(bounds)
	total := after[math.Inf(1)] - before[math.Inf(1)]
	for _, b := range bounds {
		if after[b]-before[b] >= 0.99*total {
			return b
		}
	}
	return math.Inf(1)
}
