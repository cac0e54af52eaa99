package fetch

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// maxEncodings bounds stacked Content-Encodings ("gzip, gzip, gzip, …"):
// real servers apply one.
const maxEncodings = 3

// body is the response body handed to callers: decoded from its
// Content-Encoding, bounded in raw and decoded bytes, with every failure
// an *Error. Reaching EOF, failing or closing releases the request's
// politeness slots, so a caller that reads to the end and closes late does
// not hold up the host.
type body struct {
	raw       io.ReadCloser
	loc       string
	encodings []string // as listed in Content-Encoding, applied left to right
	declared  int64    // Content-Length, -1 if unknown
	maxBody   int64    // decoded bytes allowed
	counted   *rawReader
	r         io.Reader // decoded stream, built on first Read
	n         int64     // decoded bytes returned so far
	classify  func(error) *Error
	release   func()
	closeOnce sync.Once

	// mu guards err: Close may run while another goroutine reads, which
	// is how callers abort a download.
	mu  sync.Mutex
	err error // sticky: io.EOF or an *Error
}

func newBody(raw io.ReadCloser, loc, contentEncoding string, declared, maxBody int64, classify func(error) *Error, release func()) *body {
	var encs []string
	for e := range strings.SplitSeq(contentEncoding, ",") {
		e = strings.ToLower(strings.TrimSpace(e))
		if e != "" && e != "identity" {
			encs = append(encs, e)
		}
	}
	return &body{
		raw: raw, loc: loc, encodings: encs, declared: declared, maxBody: maxBody,
		classify: classify, release: release,
	}
}

// maxRaw bounds the bytes read off the wire. Compressed data is never
// much larger than what it decodes to, so more than this means a stream
// that decodes to nothing (endless empty gzip members) or padding.
func (b *body) maxRaw() int64 {
	return b.maxBody + b.maxBody/8 + 64<<10
}

func (b *body) tooLarge(decoded bool) *Error {
	if decoded {
		return &Error{Kind: KindTooLarge, URL: b.loc, Err: fmt.Errorf("body larger than %d bytes after decompression", b.maxBody)}
	}
	return &Error{Kind: KindTooLarge, URL: b.loc, Err: fmt.Errorf("compressed body larger than %d bytes", b.maxRaw())}
}

func (b *body) init() error {
	if len(b.encodings) == 0 && b.declared > b.maxBody {
		// Refuse before downloading what would be thrown away.
		return b.tooLarge(true)
	}
	if len(b.encodings) > 0 && b.declared > b.maxRaw() {
		return b.tooLarge(false)
	}
	b.counted = &rawReader{r: b.raw, max: b.maxRaw(), classify: b.classify, tooLarge: func() error { return b.tooLarge(false) }}
	if len(b.encodings) == 0 {
		b.r = b.counted
		return nil
	}
	if len(b.encodings) > maxEncodings {
		return &Error{Kind: KindDecode, URL: b.loc, Err: fmt.Errorf("%d stacked Content-Encodings (%s)", len(b.encodings), strings.Join(b.encodings, ", "))}
	}
	br := bufio.NewReader(b.counted)
	if _, err := br.Peek(1); err != nil {
		if err == io.EOF {
			// 204s, 304s and HEAD answers carry the header without a body.
			b.r = br
			return nil
		}
		return b.decodeErr("", err)
	}
	var r io.Reader = br
	for i := len(b.encodings) - 1; i >= 0; i-- {
		enc := b.encodings[i]
		var err error
		switch enc {
		case "gzip", "x-gzip":
			var zr *gzip.Reader
			if zr, err = gzip.NewReader(r); err == nil {
				r = zr
			}
		case "deflate":
			r, err = b.deflate(r)
		case "br":
			r = brotli.NewReader(r)
		default:
			return &Error{Kind: KindDecode, URL: b.loc, Err: fmt.Errorf("unsupported Content-Encoding %q", enc)}
		}
		if err != nil {
			return b.decodeErr(enc, err)
		}
	}
	b.r = r
	return nil
}

// deflate accepts both forms servers send as "deflate": zlib-wrapped, as
// RFC 9110 says, and raw DEFLATE, as old IIS did.
func (b *body) deflate(r io.Reader) (io.Reader, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	hdr, err := br.Peek(2)
	if err == nil && hdr[0]&0x0f == 8 && hdr[0]>>4 <= 7 && (uint16(hdr[0])<<8|uint16(hdr[1]))%31 == 0 {
		return zlib.NewReader(br)
	}
	return flate.NewReader(br), nil
}

// decodeErr keeps errors from the wire (already *Error) as they are and
// reports everything else as a corrupt encoding.
func (b *body) decodeErr(enc string, err error) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	if enc == "" {
		enc = strings.Join(b.encodings, ", ")
	}
	return &Error{Kind: KindDecode, URL: b.loc, Err: fmt.Errorf("decode %s body: %w", enc, err)}
}

// Read is not safe for concurrent use with itself; with Close it is.
func (b *body) Read(p []byte) (int, error) {
	if err := b.sticky(); err != nil {
		return 0, err
	}
	if b.r == nil {
		if err := b.init(); err != nil {
			return 0, b.fail(err)
		}
	}
	if len(p) == 0 {
		return 0, nil
	}
	// Never ask for more than one byte past the limit: enough to know the
	// body is too large without inflating (or buffering) more of a bomb.
	if room := b.maxBody + 1 - b.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > b.maxBody {
		n -= int(b.n - b.maxBody)
		b.n = b.maxBody
		return n, b.fail(b.tooLarge(true))
	}
	switch {
	case err == io.EOF:
		return n, b.finish()
	case err != nil:
		return n, b.fail(b.decodeErr("", err))
	}
	return n, nil
}

func (b *body) sticky() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// setErr records the first terminal state and returns the one recorded.
func (b *body) setErr(err error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil {
		b.err = err
	}
	return b.err
}

// finish runs at the decoded EOF. A decoder may stop before the wire
// stream ends (brotli's last block, a chunked terminator not yet read);
// reading that little tail lets the connection be reused.
func (b *body) finish() error {
	if len(b.encodings) > 0 {
		_, _ = io.CopyN(io.Discard, b.raw, 4<<10)
	}
	err := b.setErr(io.EOF)
	b.release()
	return err
}

func (b *body) fail(err error) error {
	err = b.setErr(err)
	b.release()
	return err
}

func (b *body) Close() error {
	var err error
	b.closeOnce.Do(func() {
		b.setErr(&Error{Kind: KindNetwork, URL: b.loc, Err: errors.New("body read after Close")})
		err = b.raw.Close()
		b.release()
	})
	return err
}

// rawReader counts bytes read off the wire and turns transport failures
// into *Error at the source, so decoders pass them through unchanged.
type rawReader struct {
	r        io.Reader
	n, max   int64
	classify func(error) *Error
	tooLarge func() error
}

func (r *rawReader) Read(p []byte) (int, error) {
	if room := r.max + 1 - r.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := r.r.Read(p)
	r.n += int64(n)
	if r.n > r.max {
		return 0, r.tooLarge()
	}
	if err != nil && err != io.EOF {
		return n, r.classify(err)
	}
	return n, err
}
