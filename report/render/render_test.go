package render_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/presswatch/presswatch/report"
	"github.com/presswatch/presswatch/report/render"
	"github.com/presswatch/presswatch/report/reporttest"
)

// fixtureReport is the fixture's week, built from a real index and NATS.
func fixtureReport(t *testing.T) *report.Report {
	t.Helper()
	f := reporttest.Start(t)
	b, err := report.NewBuilder(f.Index, f.Alerts, f.Cases, reporttest.Options())
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.Build(context.Background(), reporttest.Week)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func names(t *testing.T, lang string) report.Names {
	n, err := report.NewNames(lang, reporttest.Options().Departments)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func write(t *testing.T, f render.Format, r *report.Report, lang string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := render.Write(&buf, f, r, names(t, lang)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// vietnamese are strings the fixture's PDF must hold, with every kind of
// mark: tone marks on ơ/ư/ê/â, đ, and department names from the
// configuration.
var vietnamese = []string{
	"Báo cáo dư luận báo chí", "Sạt lở đất ở Mường Chà", "Sở Nông nghiệp và Môi trường",
	"Câu chuyện lan tỏa rộng nhất", "Tiêu cực", "Đột biến thông tin", "Thông tin chính thức đã đăng",
}

func TestPDFTextExtractsBackToVietnamese(t *testing.T) {
	r := fixtureReport(t)
	data := write(t, render.PDF, r, "vi")
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", data[:min(20, len(data))])
	}
	// poppler's pdftotext reads the fonts' ToUnicode maps, as copy and
	// paste and search in viewers do. (github.com/ledongthuc/pdf was tried:
	// it decodes one byte per character and garbles every two-byte font,
	// so it cannot judge a PDF with an embedded Unicode font.)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (apt-get install poppler-utils); .ci/run installs it")
	}
	dir := t.TempDir()
	if d := os.Getenv("PRESSWATCH_REPORT_SAMPLES"); d != "" {
		dir = d // to look at: pdftoppm -png -r 60 $d/r.pdf
	}
	path := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	checkHolds(t, "pdftotext", string(out))
	if !strings.Contains(string(out), "Số bài (bài)") {
		t.Error("pdftotext: the charts' axis title with its unit is missing")
	}
}

func checkHolds(t *testing.T, who, text string) {
	t.Helper()
	// Extractors may break lines inside a cell; compare without spaces.
	flat := strings.Join(strings.Fields(text), "")
	for _, s := range vietnamese {
		if !strings.Contains(flat, strings.Join(strings.Fields(s), "")) {
			t.Errorf("%s: %q not in the PDF's text", who, s)
		}
	}
}

func TestXLSXHasOneSheetPerTable(t *testing.T) {
	r := fixtureReport(t)
	f, err := excelize.OpenReader(bytes.NewReader(write(t, render.XLSX, r, "vi")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tables := report.Tables(r, names(t, "vi"))
	sheets := f.GetSheetList()
	if len(sheets) != len(tables) {
		t.Fatalf("%d sheets for %d tables: %v", len(sheets), len(tables), sheets)
	}
	// The outlets sheet: header rows, then baodienbien with 3 articles
	// against 1, stored as numbers.
	var outlets string
	for _, s := range sheets {
		if strings.HasPrefix(s, "Tỷ trọng theo cơ quan báo") {
			outlets = s
		}
	}
	rows, err := f.GetRows(outlets)
	if err != nil || len(rows) < 5 {
		t.Fatalf("outlets sheet %q: %v %v", outlets, rows, err)
	}
	if got := rows[4][:3]; got[0] != "baodienbien" || got[1] != "3" || got[2] != "1" {
		t.Errorf("first outlet row %v", got)
	}
	typ, err := f.GetCellType(outlets, "B5")
	if err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("counts are numbers in the sheet, got type %v %v", typ, err)
	}
}

func TestCSVHasABOMAndLocalTimes(t *testing.T) {
	r := fixtureReport(t)
	data := write(t, render.CSV, r, "vi")
	if !bytes.HasPrefix(data, []byte(render.BOM)) {
		t.Fatal("no byte-order mark")
	}
	recs, err := func() ([][]string, error) {
		cr := csv.NewReader(bytes.NewReader(data[len(render.BOM):]))
		cr.FieldsPerRecord = -1
		return cr.ReadAll()
	}()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, rec := range recs {
		// A1's response at 14:00 local (07:00 UTC).
		if len(rec) > 2 && rec[0] == "Sạt lở đất ở Mường Chà" && rec[2] == "30/11/2026 14:00" {
			found = true
		}
	}
	if !found {
		t.Errorf("the response to A1 at 14:00 local time is not in the CSV:\n%s", data)
	}
}

func TestHTMLEscapesAndNamesInEnglish(t *testing.T) {
	r := fixtureReport(t)
	r.Stories[0].Title = `<script>alert(1)</script>`
	r.Stories[0].URL = `javascript:alert(1)`
	page := string(write(t, render.HTML, r, "en"))
	for _, bad := range []string{"<script>alert", `href="javascript:`} {
		if strings.Contains(page, bad) {
			t.Errorf("page holds %q", bad)
		}
	}
	for _, want := range []string{"Stories with the widest spread", "Health, epidemics", "<svg", "Articles (count)", "National press"} {
		if !strings.Contains(page, want) {
			t.Errorf("English page lacks %q", want)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := render.ParseFormat("docx"); err == nil || !strings.Contains(err.Error(), "pdf, xlsx, html or csv") {
		t.Errorf("docx: %v", err)
	}
	if f, err := render.ParseFormat(" PDF "); err != nil || f != render.PDF {
		t.Errorf("PDF: %v %v", f, err)
	}
}
