package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// rawConn is one keep-alive HTTP/1.1 connection that writes a prepared request and reads its
// response. net/http's client spends more CPU per request than the server spends answering
// it (~240 µs per join against the server's ~200 µs on 2026-11-26), so on a machine whose
// cores the generator shares with the server it measured the generator, not the server.
type rawConn struct {
	addr string
	conn net.Conn
	in   *bufio.Reader
	body []byte
}

func newRawConn(base string) *rawConn {
	return &rawConn{addr: strings.TrimPrefix(base, "http://")}
}

var errChunked = errors.New("chunked responses are not read by the bench client")

// do sends req (a whole HTTP/1.1 request) and returns the response's status and body; the
// body is valid until the next call.
func (c *rawConn) do(req []byte) (int, []byte, error) {
	if c.conn == nil {
		conn, err := net.DialTimeout("tcp", c.addr, 5*time.Second)
		if err != nil {
			return 0, nil, err
		}
		c.conn, c.in = conn, bufio.NewReaderSize(conn, 16<<10)
	}
	status, body, err := c.exchange(req)
	if err != nil {
		c.conn.Close()
		c.conn = nil
	}
	return status, body, err
}

func (c *rawConn) exchange(req []byte) (int, []byte, error) {
	c.conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.conn.Write(req); err != nil {
		return 0, nil, err
	}
	line, err := c.in.ReadSlice('\n')
	if err != nil {
		return 0, nil, err
	}
	// "HTTP/1.1 201 Created\r\n"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, nil, fmt.Errorf("not an HTTP/1.1 status line: %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, nil, err
	}
	length, closing := 0, false
	for {
		h, err := c.in.ReadSlice('\n')
		if err != nil {
			return 0, nil, err
		}
		if len(h) <= 2 {
			break
		}
		name, value, _ := bytes.Cut(h, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case asciiEqualFold(name, "content-length"):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, nil, err
			}
		case asciiEqualFold(name, "transfer-encoding"):
			return 0, nil, errChunked
		case asciiEqualFold(name, "connection"):
			closing = asciiEqualFold(value, "close")
		}
	}
	if cap(c.body) < length {
		c.body = make([]byte, length)
	}
	c.body = c.body[:length]
	if _, err := io.ReadFull(c.in, c.body); err != nil {
		return 0, nil, err
	}
	if closing {
		c.conn.Close()
		c.conn = nil
	}
	return status, c.body, nil
}

func asciiEqualFold(b []byte, s string) bool {
	return len(b) == len(s) && strings.EqualFold(string(b), s)
}

// request builds a whole HTTP/1.1 request with a bearer token and an optional JSON body.
func request(method, base, path, token, body string) []byte {
	host := strings.TrimPrefix(base, "http://")
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n", method, path, host, token)
	if body != "" {
		fmt.Fprintf(&b, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return b.Bytes()
}

// rawPool hands out keep-alive connections to concurrent requesters, at most size of them.
type rawPool struct{ conns chan *rawConn }

func newRawPool(base string, size int) *rawPool {
	p := &rawPool{conns: make(chan *rawConn, size)}
	for i := 0; i < size; i++ {
		p.conns <- newRawConn(base)
	}
	return p
}

func (p *rawPool) do(req []byte) (int, error) {
	c := <-p.conns
	defer func() { p.conns <- c }()
	status, _, err := c.do(req)
	return status, err
}
