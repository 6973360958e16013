# Two commands a new user needs, each doing all of its own set-up:
#   make run   install Debian packages (if missing), build Release, run the quickstart
#   make test  the same set-up, then build and run the whole Catch2 suite through ctest
BUILD ?= build
JOBS ?= $(shell nproc)

DEB_PACKAGES := cmake g++ make libeigen3-dev catch2 libcli11-dev libyaml-cpp-dev libfccp-dev \
                libbox2d-dev libsfml-dev libx11-dev libbenchmark-dev \
                nlohmann-json3-dev libplplot-dev plplot-driver-cairo pkg-config \
                xvfb xauth fonts-dejavu-core slurmctld slurmd slurm-client munge iproute2

.PHONY: run test sanitize deps build clean

deps:
	@bash .ci/install-deps $(DEB_PACKAGES)

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/spikegym run experiments/quickstart.yaml

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer (its own build
# folder). System libraries' caches are suppressed (tests/lsan.supp); Mesa's GL driver leaks a
# little at exit, so the viewer tests run without leak checks.
sanitize: deps
	cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPIKEGYM_SANITIZE=ON
	cmake --build build-sanitize -j $(JOBS)
	cd build-sanitize && ASAN_OPTIONS=abort_on_error=1:detect_stack_use_after_return=0 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) build-sanitize
