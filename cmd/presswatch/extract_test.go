package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/presswatch/presswatch/crawler/extract"
)

// extractTestPage is a small Vietnamese article page with the furniture
// around it that the extractor must leave out.
const extractTestPage = `<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Quảng Trị khởi công cầu vượt lũ - Báo Tin Tỉnh</title>
<meta property="og:title" content="Quảng Trị khởi công cầu vượt lũ">
<meta name="author" content="Lê Thị Mai">
<meta property="article:published_time" content="2024-05-20T09:15:00+07:00">
<link rel="canonical" href="/kinh-te/khoi-cong-cau-vuot-lu-5120.html">
</head><body>
<nav><a href="/">Trang chủ</a> <a href="/kinh-te">Kinh tế</a> <a href="/xa-hoi">Xã hội</a></nav>
<article><h1>Quảng Trị khởi công cầu vượt lũ</h1>
<div class="detail-content">
<p>Sáng 20/5, UBND tỉnh Quảng Trị khởi công xây dựng cầu vượt lũ nối hai bờ sông Thạch Hãn với tổng mức đầu tư hơn 300 tỷ đồng từ nguồn ngân sách trung ương và địa phương.</p>
<p>Cây cầu dài 420 m, rộng 12 m, được thiết kế bảo đảm giao thông thông suốt trong mùa mưa lũ, giúp hàng nghìn người dân hai xã không còn bị chia cắt mỗi khi nước sông dâng cao.</p>
<p>Theo chủ đầu tư, công trình dự kiến hoàn thành sau 24 tháng thi công; tỉnh yêu cầu nhà thầu bảo đảm chất lượng, an toàn lao động và vệ sinh môi trường trong suốt quá trình xây dựng.</p>
</div></article>
<aside><h3>Tin liên quan</h3><a href="/a.html">Giá vật liệu xây dựng tăng cao</a></aside>
<footer><p>Báo Tin Tỉnh. Giấy phép số 123/GP-BTTTT.</p></footer>
</body></html>`

func writeTempFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func decodeExtractOutput(t *testing.T, b []byte) extractOutput {
	t.Helper()
	var out extractOutput
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("output is not the expected JSON: %v\n%s", err, b)
	}
	return out
}

func TestExtractCommandFile(t *testing.T) {
	path := writeTempFile(t, "page.html", extractTestPage)
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"extract", "--url", "https://baotintinh.example.vn/kinh-te/x.html?utm_source=zalo", path}, &out, &errb)
	if err != nil {
		t.Fatalf("err = %v, stderr %s", err, errb.String())
	}
	got := decodeExtractOutput(t, out.Bytes())
	for _, f := range []struct{ field, got, want string }{
		{"title", got.Title, "Quảng Trị khởi công cầu vượt lũ"},
		{"byline", got.Byline, "Lê Thị Mai"},
		{"published", got.Published, "2024-05-20T09:15:00+07:00"},
		{"language", got.Language, "vi"},
		{"canonical_url", got.CanonicalURL, "https://baotintinh.example.vn/kinh-te/khoi-cong-cau-vuot-lu-5120.html"},
	} {
		if f.got != f.want {
			t.Errorf("%s = %q, want %q", f.field, f.got, f.want)
		}
	}
	if !strings.HasPrefix(got.Text, "Sáng 20/5, UBND tỉnh Quảng Trị khởi công") || !strings.Contains(got.Text, "vệ sinh môi trường trong suốt quá trình xây dựng.") {
		t.Errorf("text is not the article body:\n%s", got.Text)
	}
	for _, junk := range []string{"Trang chủ", "Tin liên quan", "Giấy phép"} {
		if strings.Contains(got.Text, junk) {
			t.Errorf("text holds %q", junk)
		}
	}
	if got.Method == "" || got.Tags == nil {
		t.Errorf("method %q, tags %v", got.Method, got.Tags)
	}
	if !strings.Contains(out.String(), "\n  \"title\": ") {
		t.Errorf("output is not indented JSON:\n%s", out.String())
	}
}

func TestExtractCommandTextFromStdin(t *testing.T) {
	var out, errb bytes.Buffer
	if err := extractPage(context.Background(), []string{"--text"}, strings.NewReader(extractTestPage), &out, &errb); err != nil {
		t.Fatalf("err = %v, stderr %s", err, errb.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "Sáng 20/5") || !strings.HasPrefix(lines[2], "Theo chủ đầu tư") {
		t.Errorf("--text printed %d lines, want the 3 paragraphs:\n%s", len(lines), out.String())
	}
	if strings.HasPrefix(strings.TrimSpace(out.String()), "{") {
		t.Error("--text printed JSON")
	}
}

func TestExtractCommandURL(t *testing.T) {
	french := `<html><head><title>Inondations au Vietnam</title><link rel="canonical" href="/monde/inondations.html"></head><body>
<nav><a href="/">Accueil</a></nav><article><h1>Inondations au Vietnam</h1>
<p>De fortes pluies ont inondé plusieurs routes de la province pendant la nuit et des centaines d'habitants ont été évacués vers des écoles.</p>
<p>Les autorités ont annoncé que les travaux de réparation de la route nationale seraient terminés avant la fin du mois, selon un communiqué publié vendredi.</p>
</article></body></html>`
	latin1, err := charmap.Windows1252.NewEncoder().String(french)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/monde/2024/05/18/inondations.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=windows-1252")
		w.Write([]byte(latin1))
	})
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/monde/2024/05/18/inondations.html", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("<p>x</p>"), (extractMaxBytes/8)+1))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"extract", srv.URL + "/old"}, &out, &errb); err != nil {
		t.Fatalf("err = %v, stderr %s", err, errb.String())
	}
	got := decodeExtractOutput(t, out.Bytes())
	if !strings.Contains(got.Text, "des centaines d'habitants ont été évacués") {
		t.Errorf("windows-1252 page not decoded:\n%s", got.Text)
	}
	// Relative links resolve against the URL reached after the redirect,
	// which also gives the date.
	if want := srv.URL + "/monde/inondations.html"; got.CanonicalURL != want {
		t.Errorf("canonical_url = %q, want %q", got.CanonicalURL, want)
	}
	if got.Published != "2024-05-18T00:00:00Z" || got.Language != "fr" {
		t.Errorf("published %q, language %q; want the URL's date and fr", got.Published, got.Language)
	}

	for _, tt := range []struct{ path, want string }{
		{"/missing", "404"},
		{"/huge", "larger than 10485760 bytes"},
	} {
		err := run(context.Background(), []string{"extract", srv.URL + tt.path}, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.path, err, tt.want)
		}
	}
}

func TestExtractCommandNoArticle(t *testing.T) {
	page := `<html><head><title>Video: lũ về trong đêm</title></head><body><video src="/v.mp4"></video></body></html>`
	var out bytes.Buffer
	err := extractPage(context.Background(), nil, strings.NewReader(page), &out, &bytes.Buffer{})
	if !errors.Is(err, extract.ErrNoContent) {
		t.Fatalf("err = %v, want ErrNoContent", err)
	}
	// The metadata found is still shown to the operator.
	if got := decodeExtractOutput(t, out.Bytes()); got.Title != "Video: lũ về trong đêm" || got.Text != "" {
		t.Errorf("output %+v", got)
	}
}

func TestExtractCommandErrors(t *testing.T) {
	page := writeTempFile(t, "page.html", extractTestPage)
	tests := []struct {
		name string
		args []string
		want string // in the error; "" for errUsage
	}{
		{"two inputs", []string{"extract", page, page}, ""},
		{"unknown flag", []string{"extract", "--colour", page}, ""},
		{"missing file", []string{"extract", filepath.Join(t.TempDir(), "nope.html")}, "nope.html"},
		{"relative --url", []string{"extract", "--url", "/a.html", page}, "--url"},
		{"non-http --url", []string{"extract", "--url", "ftp://example.com/a", page}, "--url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, &bytes.Buffer{}, &bytes.Buffer{})
			switch {
			case tt.want == "" && !errors.Is(err, errUsage):
				t.Errorf("err = %v, want errUsage", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}
