# presswatch — see README.md. Every target works on a fresh machine with Go.
GO       ?= go
BIN      ?= bin/presswatch
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 15s
PKGS     := ./...

.PHONY: build test demo bench bench-go lint fuzz clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/presswatch

test:
	$(GO) test -race -count=1 $(PKGS)

demo: build
	./$(BIN) demo

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

# End-to-end load against local servers, then the per-stage Go benchmarks.
bench: build
	$(GO) run ./cmd/presswatch-bench
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 ./textnorm/ ./article/ ./classifier/ ./indexer/ ./crawler/...

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
