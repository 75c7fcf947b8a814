package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"time"

	"github.com/coder/websocket"
)

// client is one learner's WebSocket, with its messages delivered to a channel.
type client struct {
	user string
	conn *websocket.Conn
	in   chan map[string]any
}

// dial opens user's WebSocket, from a given loopback source address when one is set.
func dial(ctx context.Context, t target, user string, source string) (*websocket.Conn, error) {
	opts := &websocket.DialOptions{}
	if source != "" {
		dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(source)}, Timeout: 10 * time.Second}
		opts.HTTPClient = &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
	}
	conn, _, err := websocket.Dial(ctx, t.wsURL(user), opts)
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(1 << 20)
	return conn, nil
}

func connect(ctx context.Context, t target, user string) (*client, error) {
	conn, err := dial(ctx, t, user, "")
	if err != nil {
		return nil, err
	}
	c := &client{user: user, conn: conn, in: make(chan map[string]any, 64)}
	go func() {
		defer close(c.in)
		for {
			_, data, err := conn.Read(context.Background())
			if err != nil {
				return
			}
			var m map[string]any
			if json.Unmarshal(data, &m) == nil {
				c.in <- m
			}
		}
	}()
	return c, nil
}

// await returns the next message of that type (dropping others), or nil after the timeout.
func (c *client) await(kind string, timeout time.Duration) map[string]any {
	deadline := time.After(timeout)
	for {
		select {
		case m, ok := <-c.in:
			if !ok {
				return nil
			}
			if m["type"] == kind {
				return m
			}
		case <-deadline:
			return nil
		}
	}
}

func (c *client) send(ctx context.Context, m map[string]any) error {
	data, _ := json.Marshal(m)
	return c.conn.Write(ctx, websocket.MessageText, data)
}
