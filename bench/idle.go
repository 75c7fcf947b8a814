package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// runIdleClient (a child process) opens `count` authenticated WebSockets from `source`,
// prints "ready N" and keeps reading (to answer pings) until its stdin closes.
func runIdleClient(t target, count int, source, prefix string) {
	var opened int64
	var conns sync.Map
	var wg sync.WaitGroup
	sem := make(chan struct{}, 200)
	for i := 0; i < count; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := dial(context.Background(), t, fmt.Sprintf("%s%d", prefix, i), source)
			if err != nil {
				return
			}
			atomic.AddInt64(&opened, 1)
			conns.Store(i, c)
			go func() {
				for {
					if _, _, err := c.Read(context.Background()); err != nil {
						return
					}
				}
			}()
		}(i)
	}
	wg.Wait()
	fmt.Printf("ready %d\n", opened)
	bufio.NewReader(os.Stdin).ReadString('\n')
	conns.Range(func(_, v any) bool { v.(*websocket.Conn).CloseNow(); return true })
}

// runIdle measures server RSS per idle authenticated connection.
func runIdle(t target, total, processes int) {
	// Warm up: allocator arenas, Asio's reactor, the parser buffers.
	warm := make([]*websocket.Conn, 0, 300)
	for i := 0; i < 300; i++ {
		if c, err := dial(context.Background(), t, fmt.Sprintf("warm%d", i), ""); err == nil {
			warm = append(warm, c)
		}
	}
	for _, c := range warm {
		c.CloseNow()
	}
	time.Sleep(2 * time.Second)
	before := rssBytes(t.pid)

	per := total / processes
	var children []*exec.Cmd
	var stdins []interface{ Close() error }
	opened := 0
	for p := 0; p < processes; p++ {
		cmd := exec.Command(os.Args[0], "idle-client", "--base", t.base, "--secret", t.secret,
			"--count", fmt.Sprint(per), "--source", fmt.Sprintf("127.0.0.%d", p+2), "--prefix", fmt.Sprintf("idle%d-", p))
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			fmt.Println("idle:", err)
			return
		}
		children = append(children, cmd)
		stdins = append(stdins, stdin)
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		var n int
		fmt.Sscanf(strings.TrimSpace(line), "ready %d", &n)
		opened += n
	}
	// Let the server settle: RSS stable for two readings a second apart.
	after := rssBytes(t.pid)
	for i := 0; i < 10; i++ {
		time.Sleep(time.Second)
		now := rssBytes(t.pid)
		if now == after {
			break
		}
		after = now
	}
	for _, s := range stdins {
		s.Close()
	}
	for _, c := range children {
		c.Wait()
	}
	perConn := float64(after-before) / float64(opened)
	fmt.Printf("idle: %d connections open; server RSS %.1f MiB → %.1f MiB: %.0f bytes (%.2f KiB) per idle connection\n",
		opened, float64(before)/(1<<20), float64(after)/(1<<20), perConn, perConn/1024)
	result("idle", map[string]any{"connections": opened, "rss_before_bytes": before, "rss_after_bytes": after,
		"bytes_per_connection": perConn})
}
