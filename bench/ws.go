package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// client is one learner's WebSocket, with its messages delivered to a channel.
type client struct {
	user string
	conn *websocket.Conn
	in   chan message
	// When set, messages go to this handler in the reader goroutine instead of to `in`.
	relay atomic.Pointer[func([]byte)]
}

// message is one server message with its type read; the rest is decoded only by those who
// need it (a match-found decoded into a map costs the generator more than the server spends
// on the whole join).
type message struct {
	kind string
	raw  []byte
}

var typeField = []byte(`"type":"`)

// messageType is the value of the first "type" member: the server writes it first.
func messageType(raw []byte) string {
	i := bytes.Index(raw, typeField)
	if i < 0 {
		return ""
	}
	rest := raw[i+len(typeField):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
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
	c := &client{user: user, conn: conn, in: make(chan message, 64)}
	go func() {
		defer close(c.in)
		for {
			_, data, err := conn.Read(context.Background())
			if err != nil {
				return
			}
			if h := c.relay.Load(); h != nil {
				(*h)(data)
				continue
			}
			c.in <- message{kind: messageType(data), raw: data}
		}
	}()
	return c, nil
}

// await returns the next message of that type (dropping others), or nil after the timeout.
func (c *client) await(kind string, timeout time.Duration) []byte {
	deadline := time.After(timeout)
	for {
		select {
		case m, ok := <-c.in:
			if !ok {
				return nil
			}
			if m.kind == kind {
				return m.raw
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
