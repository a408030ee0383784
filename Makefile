# The two commands a new machine needs: `make run` and `make test` (each installs what it needs).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
LIVE_DATABASE_URL ?= sqlite:liveclass.db
export LIVE_DATABASE_URL

.PHONY: all deps test-deps configure build web run test san-build test-asan fuzz-build fuzz test-fuzz bench format clean

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
## then the unit and integration tests again under AddressSanitizer + UndefinedBehaviorSanitizer,
## and a short run of every fuzz target
test: test-deps configure web
	cmake --build $(BUILD_DIR) -j $(JOBS)
	bash scripts/run-tests.sh $(BUILD_DIR)
	$(MAKE) --no-print-directory test-asan
	$(MAKE) --no-print-directory test-fuzz

## The instrumented tree (clang, -O1, ASan + UBSan, libFuzzer coverage): one build serves both the
## sanitizer run of the tests and the fuzz targets (two trees used to cost a third of `make test`)
SAN_DIR ?= build-san
san-build: test-deps
	cmake -S . -B $(SAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
	  -DCMAKE_CXX_COMPILER=clang++ -DLIVECLASS_FUZZ=ON
	cmake --build $(SAN_DIR) -j $(JOBS) --target infra_tests unit_tests integration_tests fuzz_targets

## Unit and integration tests under AddressSanitizer + UndefinedBehaviorSanitizer (leak checks on)
test-asan: san-build
	bash scripts/run-tests.sh $(SAN_DIR) -L "infra|unit|integration"

fuzz-build: san-build

## Runs every fuzz target for FUZZ_SECONDS each (default 180); crash inputs land in build-san/fuzz/work-*/
FUZZ_SECONDS ?= 180
fuzz: san-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) ctest --test-dir $(SAN_DIR) -L fuzz --output-on-failure

## A short run of every fuzz target (part of make test)
test-fuzz: san-build
	FUZZ_SECONDS=15 ctest --test-dir $(SAN_DIR) -L fuzz --output-on-failure -j 2

bench: test-deps build
	bash bench/join
	bash bench/webhooks
	bash bench/attendance

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD_DIR) $(SAN_DIR) build-asan build-fuzz web/dist web/node_modules web/test-results
