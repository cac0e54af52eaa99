package config

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

const day = 24 * time.Hour

// Duration is a time.Duration written as text: "30s", "5m", "1h30m", "7d".
// Days are accepted because retention and TTL settings are counted in days
// and "8760h" invites mistakes.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String gives whole days as "7d" and anything else as time.Duration does,
// so that the text parses back to the same value.
func (d Duration) String() string {
	td := time.Duration(d)
	if td != 0 && td%day == 0 {
		return strconv.FormatInt(int64(td/day), 10) + "d"
	}
	return td.String()
}

// MarshalText writes d as ParseDuration reads it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads d with ParseDuration; it lets yaml.v3, flag.TextVar
// and encoding/json read a Duration outside Load too.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := ParseDuration(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseDuration reads a duration as time.ParseDuration does, plus the unit
// "d" for 24 hours ("7d", "1d12h", "1.5d").
func ParseDuration(s string) (Duration, error) {
	bad := fmt.Errorf("invalid duration %q", s)
	t := strings.TrimSpace(s)
	neg := false
	if t != "" && (t[0] == '-' || t[0] == '+') {
		neg = t[0] == '-'
		t = t[1:]
	}
	if t == "" {
		return 0, bad
	}
	if t == "0" {
		return 0, nil
	}
	var total time.Duration
	for t != "" {
		i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
		if i == 0 {
			return 0, bad
		}
		if i < 0 {
			return 0, fmt.Errorf("invalid duration %q (missing unit, e.g. %q)", s, t+"s")
		}
		num := t[:i]
		t = t[i:]
		j := strings.IndexFunc(t, func(r rune) bool { return (r >= '0' && r <= '9') || r == '.' })
		if j < 0 {
			j = len(t)
		}
		unit := t[:j]
		t = t[j:]

		var part time.Duration
		if unit == "d" {
			h, err := time.ParseDuration(num + "h")
			if err != nil || h > math.MaxInt64/24 {
				return 0, bad
			}
			part = h * 24
		} else {
			p, err := time.ParseDuration(num + unit)
			if err != nil {
				return 0, bad
			}
			part = p
		}
		if total > math.MaxInt64-part {
			return 0, bad
		}
		total += part
	}
	if neg {
		total = -total
	}
	return Duration(total), nil
}

// ByteSize is a number of bytes written as "1048576", "512KB" or "10MiB".
// KB, MB, GB and TB are powers of 1000; KiB, MiB, GiB and TiB powers of 1024.
type ByteSize int64

// Int64 returns b as a plain number of bytes.
func (b ByteSize) Int64() int64 { return int64(b) }

// byteUnits lists units from largest to smallest so that String picks the
// largest one that divides the value exactly: the shortest text.
func byteUnits() []struct {
	name string
	mult int64
} {
	return []struct {
		name string
		mult int64
	}{
		{"TiB", 1 << 40}, {"TB", 1e12},
		{"GiB", 1 << 30}, {"GB", 1e9},
		{"MiB", 1 << 20}, {"MB", 1e6},
		{"KiB", 1 << 10}, {"KB", 1e3},
		{"B", 1},
	}
}

// String gives the value in the largest unit that divides it exactly,
// which parses back to the same value.
func (b ByteSize) String() string {
	if b == 0 {
		return "0"
	}
	for _, u := range byteUnits() {
		if u.mult > 1 && int64(b)%u.mult == 0 {
			return strconv.FormatInt(int64(b)/u.mult, 10) + u.name
		}
	}
	return strconv.FormatInt(int64(b), 10)
}

// MarshalText writes b as ParseByteSize reads it.
func (b ByteSize) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText reads b with ParseByteSize.
func (b *ByteSize) UnmarshalText(text []byte) error {
	v, err := ParseByteSize(string(text))
	if err != nil {
		return err
	}
	*b = v
	return nil
}

// ParseByteSize reads a size such as "1048576", "512KB", "1.5GiB" or
// "10 MiB". Units are case-insensitive; the result must be a whole number
// of bytes.
func ParseByteSize(s string) (ByteSize, error) {
	bad := fmt.Errorf("invalid byte size %q", s)
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	num, unit := t[:i], strings.TrimSpace(t[i:])
	if num == "" || strings.Count(num, ".") > 1 || num[0] == '.' || num[len(num)-1] == '.' {
		return 0, bad
	}
	mult := int64(0)
	for _, u := range byteUnits() {
		if strings.EqualFold(unit, u.name) {
			mult = u.mult
		}
	}
	if unit == "" {
		mult = 1
	}
	if mult == 0 {
		return 0, fmt.Errorf("invalid byte size %q (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)", s)
	}
	// big.Rat keeps "1.1KB" exact; float64 would make it 1100.0000000000002.
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return 0, bad
	}
	r.Mul(r, new(big.Rat).SetInt64(mult))
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, bad
	}
	return ByteSize(r.Num().Int64()), nil
}
