package render

import (
	"fmt"
	"io"
	"math"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/presswatch/presswatch/report"
)

// writeXLSX writes one sheet per table, numbers as numbers, with a first
// sheet naming the report and its period.
func writeXLSX(w io.Writer, r *report.Report, n report.Names) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	first := true
	used := map[string]bool{}
	for _, t := range report.Tables(r, n) {
		name := sheetName(t.Title, used)
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		head := [][]any{{n.T("title")}, {n.T("period"), n.PeriodText(r.Period), n.T("previous"), n.PeriodText(r.Previous)}, {t.Title}, anys(t.Columns)}
		rows := append(head, t.Rows...)
		for i, row := range rows {
			cells := make([]any, len(row))
			for j, v := range row {
				if x, ok := v.(float64); ok && math.IsNaN(x) {
					v = nil
				}
				cells[j] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(name, cell, &cells); err != nil {
				return fmt.Errorf("sheet %s: %w", name, err)
			}
		}
		end, _ := excelize.CoordinatesToCellName(max(len(t.Columns), 1), 4)
		if err := f.SetCellStyle(name, "A1", end, bold); err != nil {
			return err
		}
		if err := f.SetColWidth(name, "A", "A", 40); err != nil {
			return err
		}
	}
	return f.Write(w)
}

// sheetName fits a title into Excel's 31 characters, without the
// characters Excel refuses, unique in the workbook.
func sheetName(title string, used map[string]bool) string {
	var out []rune
	for _, c := range title {
		switch c {
		case ':', '\\', '/', '?', '*', '[', ']':
			c = ' '
		}
		out = append(out, c)
	}
	s := string(out)
	if utf8.RuneCountInString(s) > 28 {
		s = string([]rune(s)[:28])
	}
	name := s
	for i := 2; used[name]; i++ {
		name = fmt.Sprintf("%s %d", s, i)
	}
	used[name] = true
	return name
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
