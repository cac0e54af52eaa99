// Command presswatch monitors what the press and the public web say about a
// province: it crawls, classifies, indexes and alerts. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// errUsage is returned after a usage message was printed.
var errUsage = errors.New("usage")

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the pipeline (all roles by default)", runServe},
		{"demo", "run everything on embedded defaults with a simulated news site", runDemo},
		{"extract", "print what the extractor makes of one page (file, URL or standard input)", runExtract},
		{"rules", "rule tools: rules check DIR | rules test --rules DIR FILE… | rules backtest RULE_ID | rules eval | rules export", runRules},
		{"sources", "sources export: the sources as polled, UI edits included, as a sources file", runSources},
		{"search", "search a running presswatch over its API", runSearch},
		{"report", "the opinion report of a period from a running presswatch: report --from D --to D --format pdf|xlsx|html|csv", runReport},
		{"users", "web UI accounts: users add --name N --role R | users passwd --name N | users list", runUsers},
		{"reindex", "rebuild the index from the article stream (server stopped)", runReindex},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return fmt.Errorf("presswatch: unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: presswatch <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'presswatch <command> -h' for a command's flags.")
}
