package benchkit

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestReadCorpusFileSkipsHeadersAndBlankLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "news_health_001.txt")
	body := "# doc_id = 1\n# date = 20240315\n# url = https://dantri.com.vn/a.htm\n\n" +
		"  Tiêu đề bài báo  \n\nĐoạn một.\n" + strings.Repeat("dài ", 30000) + "\n\nĐoạn ba.\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := ReadCorpusFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Tiêu đề bài báo" {
		t.Errorf("title %q", d.Title)
	}
	if want := time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC); !d.Date.Equal(want) {
		t.Errorf("date %v, want %v", d.Date, want)
	}
	want := []string{"Đoạn một.", strings.TrimSpace(strings.Repeat("dài ", 30000)), "Đoạn ba."}
	if !slices.Equal(d.Paras, want) {
		t.Errorf("%d paragraphs, want %d (a 120 KB line must be read whole)", len(d.Paras), len(want))
	}
}

func TestReadCorpusFileNamesAMissingFile(t *testing.T) {
	_, err := ReadCorpusFile(filepath.Join(t.TempDir(), "missing.txt"))
	if err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Fatalf("err = %v, want one naming the file", err)
	}
}

func TestPeakRSSCoversAnAllocation(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("VmHWM is read from /proc")
	}
	b := make([]byte, 64<<20)
	for i := range b {
		b[i] = 1
	}
	if got := PeakRSS(); got < int64(len(b)) {
		t.Errorf("PeakRSS = %d after touching %d bytes", got, len(b))
	}
	runtime.KeepAlive(b)
}
