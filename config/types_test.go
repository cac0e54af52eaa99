package config

import (
	"math"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{in: "30s", want: 30 * time.Second},
		{in: "5m", want: 5 * time.Minute},
		{in: "1h30m", want: 90 * time.Minute},
		{in: "7d", want: 7 * 24 * time.Hour},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "1.5d", want: 36 * time.Hour},
		{in: "365d", want: 8760 * time.Hour},
		{in: "250ms", want: 250 * time.Millisecond},
		{in: "0", want: 0},
		{in: " 10m ", want: 10 * time.Minute},
		{in: "-5s", want: -5 * time.Second},
		{in: "3 parsecs", wantErr: `invalid duration "3 parsecs"`},
		{in: "", wantErr: `invalid duration ""`},
		{in: "d", wantErr: `invalid duration "d"`},
		{in: "30", wantErr: `invalid duration "30" (missing unit, e.g. "30s")`},
		{in: "5m30", wantErr: `invalid duration "5m30" (missing unit, e.g. "30s")`},
		{in: "1w", wantErr: `invalid duration "1w"`},
		{in: "1h-30m", wantErr: `invalid duration "1h-30m"`},
		{in: "200000d", wantErr: `invalid duration "200000d"`},
		{in: "106751d106751d", wantErr: `invalid duration "106751d106751d"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParseDuration(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got.D() != tt.want {
				t.Fatalf("ParseDuration(%q) = %v, %v; want %v", tt.in, got.D(), err, tt.want)
			}
		})
	}
}

func TestDurationString(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{30 * time.Second, "30s"},
		{90 * time.Minute, "1h30m0s"},
		{24 * time.Hour, "1d"},
		{365 * 24 * time.Hour, "365d"},
		{36 * time.Hour, "36h0m0s"},
		{-48 * time.Hour, "-2d"},
		{time.Duration(math.MaxInt64), time.Duration(math.MaxInt64).String()},
	}
	for _, tt := range tests {
		d := Duration(tt.in)
		if got := d.String(); got != tt.want {
			t.Errorf("Duration(%d).String() = %q, want %q", tt.in, got, tt.want)
		}
		// What String writes must read back as the same value.
		back, err := ParseDuration(d.String())
		if err != nil || back != d {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", d.String(), back.D(), err, tt.in)
		}
	}
}

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr string
	}{
		{in: "1048576", want: 1 << 20},
		{in: "0", want: 0},
		{in: "512KB", want: 512000},
		{in: "512KiB", want: 512 << 10},
		{in: "10MiB", want: 10 << 20},
		{in: "10 MiB", want: 10 << 20},
		{in: "1GB", want: 1e9},
		{in: "2TiB", want: 2 << 40},
		{in: "1.5KiB", want: 1536},
		{in: "1.1KB", want: 1100},
		{in: "1kib", want: 1024},
		{in: "100B", want: 100},
		{in: "", wantErr: `invalid byte size ""`},
		{in: "-1", wantErr: `invalid byte size "-1"`},
		{in: "KB", wantErr: `invalid byte size "KB"`},
		{in: "1.2.3KB", wantErr: `invalid byte size "1.2.3KB"`},
		{in: ".5KB", wantErr: `invalid byte size ".5KB"`},
		{in: "1.5B", wantErr: `invalid byte size "1.5B"`},
		{in: "10XB", wantErr: `invalid byte size "10XB" (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)`},
		{in: "9999999TiB", wantErr: `invalid byte size "9999999TiB"`},
		{in: "99999999999999999999", wantErr: `invalid byte size "99999999999999999999"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseByteSize(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("ParseByteSize(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Int64() != tt.want {
				t.Fatalf("ParseByteSize(%q) = %d, %v; want %d", tt.in, got.Int64(), err, tt.want)
			}
		})
	}
}

func TestByteSizeString(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0"},
		{1, "1"},
		{1023, "1023"},
		{1024, "1KiB"},
		{10 << 20, "10MiB"},
		{1000, "1KB"},
		{1500, "1500"},
		{3 << 40, "3TiB"},
		{2e12, "2TB"},
	}
	for _, tt := range tests {
		b := ByteSize(tt.in)
		if got := b.String(); got != tt.want {
			t.Errorf("ByteSize(%d).String() = %q, want %q", tt.in, got, tt.want)
		}
		back, err := ParseByteSize(b.String())
		if err != nil || back != b {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d", b.String(), back, err, tt.in)
		}
	}
}

// Code outside Load (rule files, flags) may decode these types with
// yaml.v3 directly; they must read the same text there.
func TestTypesDecodeWithYAMLv3(t *testing.T) {
	var v struct {
		D Duration `yaml:"d"`
		B ByteSize `yaml:"b"`
	}
	if err := yaml.Unmarshal([]byte("d: 7d\nb: 10MiB\n"), &v); err != nil {
		t.Fatal(err)
	}
	if v.D.D() != 7*24*time.Hour || v.B != 10<<20 {
		t.Errorf("got %v, %d", v.D, v.B)
	}
	if err := yaml.Unmarshal([]byte("d: 3 parsecs\n"), &v); err == nil {
		t.Error("bad duration accepted")
	}
	out, err := yaml.Marshal(v)
	if err != nil || string(out) != "d: 7d\nb: 10MiB\n" {
		t.Errorf("yaml.Marshal = %q, %v", out, err)
	}
}
