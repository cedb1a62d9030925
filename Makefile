# spotrunner: the developer entry points. Each target installs what is missing first.
#   make demo    builds only the product binary, then shows the fleet at work
#   make test    builds everything, then unit tests (also under ASan+UBSan) and integration tests
#   make deb     builds the Debian package (BUILD/spotrunner_<version>_<arch>.deb)
#   make deb-test  installs that package here with apt-get, checks it, purges it (root)
#   make fuzz    builds the libFuzzer targets with clang and runs each FUZZ_SECONDS (default 60)
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
JOBS       ?= $(shell nproc)
CMAKE_GEN  := -G Ninja
# When make started: the demo's clock counts the build too.
DEMO_T0    := $(shell date +%s.%N)

.PHONY: deps product build test unit integration demo bench clean services deb deb-test fuzz fuzz-deps

deps:
	@bash scripts/deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release

# The product binary alone: what the demo and the services (helper image) need.
product: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target spotrunner

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/build.ninja: | deps
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DSR_SANITIZE=ON -DSR_BENCH=OFF

# Starts what the tests need (dockerd with the project's own settings, test images).
services: product
	@bash scripts/services.sh

# Unit tests (also under ASan+UBSan; they replay the fuzz corpora too), then the integration
# tests against real services, then the Debian package installed, checked and purged.
test: build services $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target unit_tests
	cd $(BUILD) && ctest -L unit -j $(JOBS) --output-on-failure
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 ctest -L unit -j $(JOBS) --output-on-failure
	cd $(BUILD) && ctest -L integration --output-on-failure
	$(MAKE) deb-test

demo: product services
	@SR_DEMO_T0=$(DEMO_T0) bash scripts/demo.sh

fuzz-deps:
	@bash scripts/deps.sh fuzz

$(FUZZ_BUILD)/build.ninja: | fuzz-deps
	cmake -S . -B $(FUZZ_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DSR_FUZZ=ON -DSR_BENCH=OFF -DCMAKE_CXX_COMPILER=clang++

# libFuzzer targets (fuzz/) under ASan+UBSan, each run FUZZ_SECONDS; not part of make test,
# which replays their corpora and regressions instead. FUZZ_TARGETS="masker cron" picks some.
fuzz: fuzz-deps $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets
	bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: build services
	@bash scripts/bench.sh
	@bash bench/cache_bench.sh $(BUILD)

# The Debian package: binary, systemd unit, default config.toml, manual page (packaging/).
deb: product
	@bash packaging/build-deb.sh $(BUILD)

deb-test: deb
	@bash packaging/test-deb.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
