// Package render writes a report as a PDF, a spreadsheet, a web page or
// CSV. Every format shows the same tables (report.Tables) and charts
// (report.Charts) in the same words (report.Names).
package render

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/presswatch/presswatch/report"
)

// Format is an output format.
type Format string

// Formats.
const (
	PDF  Format = "pdf"
	XLSX Format = "xlsx"
	HTML Format = "html"
	CSV  Format = "csv"
)

// Formats lists the formats, the one sent by e-mail first.
func Formats() []Format { return []Format{PDF, XLSX, HTML, CSV} }

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(Formats(), f) {
		return "", fmt.Errorf("unknown report format %q: want pdf, xlsx, html or csv", s)
	}
	return f, nil
}

// ContentType is the format's media type.
func (f Format) ContentType() string {
	switch f {
	case PDF:
		return "application/pdf"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case HTML:
		return "text/html; charset=utf-8"
	}
	return "text/csv; charset=utf-8"
}

// FileName is the report's file name in f: bao-cao_2026-11-30_2026-12-06.pdf.
func FileName(p report.Period, f Format) string { return "bao-cao_" + p.Name() + "." + string(f) }

// Write renders r in f to w.
func Write(w io.Writer, f Format, r *report.Report, n report.Names) error {
	var err error
	switch f {
	case PDF:
		err = writePDF(w, r, n)
	case XLSX:
		err = writeXLSX(w, r, n)
	case HTML:
		err = writeHTML(w, r, n)
	case CSV:
		err = writeCSV(w, r, n)
	default:
		_, err = ParseFormat(string(f))
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", f, err)
	}
	return nil
}

// cellText writes a table cell for text formats.
func cellText(v any, n report.Names) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return fmt.Sprint(x)
	case float64:
		return n.Number(x, 1)
	}
	return fmt.Sprint(v)
}
