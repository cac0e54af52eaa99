package render

import (
	"bufio"
	"encoding/csv"
	"io"
	"strings"

	"github.com/presswatch/presswatch/report"
)

// BOM starts every CSV file: without it Excel reads UTF-8 as the ANSI
// code page and Vietnamese turns to mojibake.
const BOM = "\ufeff"

// writeCSV writes the tables one after another, each under its title,
// separated by an empty line. Times are local (report.Names.Time).
func writeCSV(w io.Writer, r *report.Report, n report.Names) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true // what Excel writes and expects
	header := [][]string{{n.T("title")}, {n.T("period"), n.PeriodText(r.Period)}, {n.T("previous"), n.PeriodText(r.Previous)}, {n.T("generated"), n.Time(r.Generated), n.T("zone")}}
	if err := cw.WriteAll(header); err != nil {
		return err
	}
	for _, t := range report.Tables(r, n) {
		rows := [][]string{{}, {t.Title}, t.Columns}
		for _, row := range t.Rows {
			cells := make([]string, len(row))
			for i, v := range row {
				cells[i] = cellText(v, n)
				if _, text := v.(string); text {
					cells[i] = formulaSafe(cells[i])
				}
			}
			rows = append(rows, cells)
		}
		if err := cw.WriteAll(rows); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// formulaSafe stops a spreadsheet from running a cell as a formula: titles
// come from the web.
func formulaSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
