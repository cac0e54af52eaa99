# presswatch — see README.md. Every target works on a fresh machine with Go.
GO       ?= go
BIN      ?= bin/presswatch
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 15s
PKGS     := ./...

.PHONY: build test test-cluster test-rules eval demo bench bench-search bench-alerts lint fuzz clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/presswatch

# Tests that compute in one goroutine over a corpus or a large generated
# input (internal/heavytest): the race detector slows them tenfold and has
# no second goroutine to check, so they skip under -race and run in the
# second pass without it. internal/heavytest fails if one is missing here.
HEAVY_PKGS := ./classifier/eval/ ./classifier/sentiment/ ./classifier/story/ \
  ./crawler/extract/ ./crawler/feed/ ./indexer/ ./query/ ./textnorm/
HEAVY_TESTS := TestDefaultPackOnNationalNews TestCorpusSanity TestCorpusRates \
  TestCorpusVersionThreshold TestExtractionQualityScrapinghub TestExtractHostile \
  TestFeedparserExpectations TestAllFeedFiles TestSearchQuality TestSearchAgreesWithEval \
  TestPhraseQueryAgreesWithBleve TestProperties TestCorpusTonePlacement \
  TestFoldRuneCountAllRunes TestCorpusProperties TestFastPaths TestIsUnspacedAgreesWithTheTables
empty :=
space := $(empty) $(empty)
# Test binaries are linked without DWARF (-w): make test links sixty of
# them, and the debug information is a quarter of each link's CPU. Stack
# traces and race reports come from the symbol table, which stays.
TESTFLAGS := -count=1 -ldflags=-w

test:
	$(GO) test -race $(TESTFLAGS) $(PKGS)
	$(GO) test $(TESTFLAGS) -run '^($(subst $(space),|,$(strip $(HEAVY_TESTS))))$$' $(HEAVY_PKGS)

# Precision and recall of the default rule pack on its labelled set
# (examples/eval), and its alerts on national news that is not about the
# province (../shared/testdata/corpus/vi-dantri, when present).
EVAL_CORPUS ?= ../shared/testdata/corpus/vi-dantri
eval:
	$(GO) run ./cmd/presswatch rules eval -min-precision 0.95 -min-recall 0.95 \
	  $$(test -d $(EVAL_CORPUS) && echo -corpus $(EVAL_CORPUS))

# The scale-out test: a real 3-node NATS JetStream cluster (nats-server built
# from its Go module) and the roles as separate processes, losing a
# classifier, an alerts process, an indexer and a NATS node to SIGKILL
# mid-stream (internal/clustertest). 2-4 minutes on 2 busy cores (the first
# build of nats-server adds about 2); run by .ci/run after make test.
test-cluster:
	PRESSWATCH_CLUSTER_TEST=1 $(GO) test -count=1 -timeout 25m -v -run '^TestCluster' ./internal/clustertest/

# The shipped Prometheus rules, checked and unit-tested with promtool
# (Debian package "prometheus").
PROMTOOL ?= promtool
test-rules:
	$(PROMTOOL) check rules deploy/prometheus/presswatch-rules.yaml
	cd deploy/prometheus && $(PROMTOOL) test rules presswatch-rules.test.yaml

demo: build
	./$(BIN) demo

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(PKGS)

# End-to-end load against local servers, then the per-stage Go benchmarks.
bench: build
	$(GO) run ./cmd/presswatch-bench
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 ./textnorm/ ./article/ ./classifier/ ./indexer/ ./crawler/...

# The index at archive scale: generated articles (remixed from
# ../shared/testdata/corpus/vi-dantri) indexed in batches of 1,000, then
# AND, phrase, OR and faceted search latency with two clients. The full run
# of the archive-scale targets takes about an hour and some 20 GB under /tmp:
#   make bench-search BENCH_SEARCH_FLAGS='-n 1000000 -checkpoints 100000,1000000 -dir /tmp/pw-bench-index'
BENCH_SEARCH_FLAGS ?= -n 100000
bench-search:
	$(GO) run ./cmd/presswatch-bench-search $(BENCH_SEARCH_FLAGS)

# The alert engine: flagged articles/s through routing and grouping, and
# publish-to-notification latency below capacity (docs/PERFORMANCE.md).
bench-alerts:
	$(GO) test -run='^$$' -bench=BenchmarkRouteAndGroup -benchtime=5000x ./alerts/
	$(GO) run ./cmd/presswatch-bench-alerts -n 5000
	$(GO) run ./cmd/presswatch-bench-alerts -n 5000 -rate 500

# A short run of every fuzz target (go test runs one target per call).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  dir=$$($(GO) list -f '{{.Dir}}' $$pkg); \
	  for t in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/^func //'); do \
	    echo "== $$pkg $$t"; \
	    $(GO) test -run='^$$' -fuzz="^$$t\$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=2s $$pkg; \
	  done; \
	done

clean:
	rm -rf bin
