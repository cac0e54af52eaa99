package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"text/tabwriter"

	"github.com/presswatch/presswatch/classifier"
	"github.com/presswatch/presswatch/classifier/eval"
	"github.com/presswatch/presswatch/examples"
)

// evalOutput is what rules eval prints with --json.
type evalOutput struct {
	Report *eval.Report       `json:"report"`
	Corpus *eval.CorpusReport `json:"corpus,omitempty"`
}

// rulesEval is "presswatch rules eval": precision and recall of a rule set
// on a labelled set of texts, and its alerts on a corpus of national news
// that is not about the province. Without flags it measures the default
// pack on the set shipped with it.
func rulesEval(args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("rules eval", flag.ContinueOnError)
	fset.SetOutput(stderr)
	rulesDir := fset.String("rules", "", "rules directory (default: the rule pack built in)")
	setDir := fset.String("set", "", "directory of labelled *.yaml items (default: the set built in)")
	corpus := fset.String("corpus", "", "directory of *.txt articles not about the province (e.g. ../shared/testdata/corpus/vi-dantri)")
	minP := fset.Float64("min-precision", 0, "fail when overall precision is below this")
	minR := fset.Float64("min-recall", 0, "fail when overall recall is below this")
	misses := fset.Bool("misses", false, "list every item the rules got wrong")
	asJSON := fset.Bool("json", false, "print the reports as JSON")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	var rulesFS, setFS fs.FS = examples.Rules, examples.Eval
	rdir, sdir := "rules", "eval"
	if *rulesDir != "" {
		rulesFS, rdir = os.DirFS(*rulesDir), "."
	}
	if *setDir != "" {
		setFS, sdir = os.DirFS(*setDir), "."
	}
	rs, err := classifier.LoadDir(rulesFS, rdir)
	if err != nil {
		return prefixLines(err, *rulesDir)
	}
	set, err := eval.Load(setFS, sdir)
	if err != nil {
		return fmt.Errorf("presswatch rules eval: %w", err)
	}
	rep, err := eval.Run(rs, set)
	if err != nil {
		return fmt.Errorf("presswatch rules eval: %w", err)
	}
	out := evalOutput{Report: rep}
	if *corpus != "" {
		docs, err := eval.ReadCorpus(os.DirFS(*corpus), ".")
		if err != nil {
			return fmt.Errorf("presswatch rules eval: %w", err)
		}
		if out.Corpus, err = eval.ScanCorpus(rs, docs); err != nil {
			return fmt.Errorf("presswatch rules eval: %w", err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		printEval(stdout, rs, out, *misses)
	}
	if p, r := rep.Overall.Precision(), rep.Overall.Recall(); p < *minP || r < *minR {
		return fmt.Errorf("presswatch rules eval: precision %.3f, recall %.3f: below the floor (%.2f, %.2f)", p, r, *minP, *minR)
	}
	return nil
}

func printEval(w io.Writer, rs *classifier.Ruleset, out evalOutput, misses bool) {
	rep := out.Report
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(s eval.Score) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.3f\t%.3f\t\n", s.Name, s.TP, s.FP, s.FN, s.Precision(), s.Recall())
	}
	fmt.Fprintf(w, "rule set %s, %d rules; %d labelled items\n\n", rs.Version, rs.Len(), rep.Items)
	fmt.Fprintln(tw, "rule\tTP\tFP\tFN\tprecision\trecall\t")
	for _, s := range rep.Rules {
		row(s)
	}
	row(rep.Overall)
	fmt.Fprintln(tw, "\t\t\t\t\t\t")
	fmt.Fprintln(tw, "kind of item\tTP\tFP\tFN\tprecision\trecall\t")
	for _, s := range rep.Kinds {
		row(s)
	}
	tw.Flush()
	if len(rep.Misses) > 0 {
		fmt.Fprintf(w, "\n%d items with a wrong outcome", len(rep.Misses))
		if !misses {
			fmt.Fprint(w, " (--misses lists them)")
		}
		fmt.Fprintln(w)
		if misses {
			for _, m := range rep.Misses {
				fmt.Fprintln(w, "  "+m.String())
			}
		}
	}
	if c := out.Corpus; c != nil {
		fmt.Fprintf(w, "\ncorpus: %d articles, %d flagged with %d alerts\n", c.Articles, c.Flagged, c.Alerts)
		fmt.Fprintf(w, "  flagged articles naming no place of the province: %d (%d alerts)\n", c.NoPlace, c.NoPlaceAlerts)
		fmt.Fprintf(w, "  \"Điện Biên\" matches %d articles, %d of them without \"Điện Biên\" in the text (diễn biến …)\n", c.ProvinceMatches, c.DienBienFalse)
		for _, e := range c.Examples {
			fmt.Fprintln(w, "    "+e)
		}
	}
}
