# The two commands a new machine needs: `make run` and `make test` (each installs what it needs).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
LIVE_DATABASE_URL ?= sqlite:liveclass.db
export LIVE_DATABASE_URL

.PHONY: all deps test-deps configure build web run test test-asan fuzz-build fuzz test-fuzz bench format clean

all: build

deps:
	@bash scripts/install-deps.sh

test-deps:
	@bash scripts/install-deps.sh --test

# Order-only on deps: never configure before the packages are installed (also under make -j).
$(BUILD_DIR)/build.ninja: CMakeLists.txt | deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

## The web front end (web/dist): npm ci from the committed lockfile (only when it changed), then
## type check, Vite build, gzip copies and the first-load budget check
web/node_modules/.package-lock.json: web/package-lock.json web/package.json | deps
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("make web: Node.js " + process.versions.node + " is too old; Vite 8 needs 20.19 or newer (NodeSource nodejs 20/22)"); process.exit(1) }'
	cd web && npm ci --no-audit --no-fund
	@touch $@

web: web/node_modules/.package-lock.json
	cd web && npm run --silent build

## Builds, migrates, seeds the demo school on an empty database and serves http://127.0.0.1:8080
run: build web
	$(BUILD_DIR)/liveclass serve --demo

## Builds and runs every test (unit, integration on SQLite and PostgreSQL, CLI, web components and
## end-to-end in Chromium, benchmark smoke run),
## then the unit and integration tests again under AddressSanitizer + UndefinedBehaviorSanitizer
test: test-deps configure web
	cmake --build $(BUILD_DIR) -j $(JOBS)
	bash scripts/run-tests.sh $(BUILD_DIR)
	$(MAKE) --no-print-directory test-asan
	$(MAKE) --no-print-directory test-fuzz

## Unit and integration tests under AddressSanitizer + UndefinedBehaviorSanitizer (leak checks on)
test-asan: test-deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLIVECLASS_SANITIZE=ON
	cmake --build build-asan -j $(JOBS) --target infra_tests unit_tests integration_tests
	bash scripts/run-tests.sh build-asan -L "infra|unit|integration"

## libFuzzer targets (tests/fuzz) built with clang + ASan/UBSan in build-fuzz
fuzz-build: test-deps
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DLIVECLASS_FUZZ=ON
	cmake --build build-fuzz -j $(JOBS) --target fuzz_targets

## Runs every fuzz target for FUZZ_SECONDS each (default 180); crash inputs land in build-fuzz/fuzz/work-*/
FUZZ_SECONDS ?= 180
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) ctest --test-dir build-fuzz -L fuzz --output-on-failure

## A short run of every fuzz target (part of make test)
test-fuzz: fuzz-build
	FUZZ_SECONDS=15 ctest --test-dir build-fuzz -L fuzz --output-on-failure -j 2

bench: test-deps build
	bash bench/join
	bash bench/webhooks
	bash bench/attendance

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD_DIR) build-asan build-fuzz web/dist web/node_modules web/test-results
