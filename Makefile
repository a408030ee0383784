# The two commands a new machine needs: `make run` and `make test` (each installs what it needs).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
LIVE_DATABASE_URL ?= sqlite:liveclass.db
export LIVE_DATABASE_URL

.PHONY: all deps test-deps configure build run test test-asan bench format clean

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

## Builds, migrates, seeds the demo school on an empty database and serves http://127.0.0.1:8080
run: build
	$(BUILD_DIR)/liveclass serve --demo

## Builds and runs every test (unit, integration on SQLite and PostgreSQL, CLI, benchmark smoke run),
## then the unit and integration tests again under AddressSanitizer + UndefinedBehaviorSanitizer
test: test-deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)
	bash scripts/run-tests.sh $(BUILD_DIR)
	$(MAKE) --no-print-directory test-asan

## Unit and integration tests under AddressSanitizer + UndefinedBehaviorSanitizer (leak checks on)
test-asan: test-deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLIVECLASS_SANITIZE=ON
	cmake --build build-asan -j $(JOBS) --target unit_tests integration_tests
	bash scripts/run-tests.sh build-asan -L "unit|integration"

bench: test-deps build
	bash bench/join
	bash bench/webhooks
	bash bench/attendance

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD_DIR) build-asan
