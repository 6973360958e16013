# Two commands a new user needs, each doing all of its own set-up:
#   make run   install Debian packages (if missing), build Release, run the quickstart
#   make test  the same set-up, then build and run the whole Catch2 suite through ctest
BUILD ?= build
JOBS ?= $(shell nproc)

DEB_PACKAGES := cmake g++ make libeigen3-dev catch2 libcli11-dev libyaml-cpp-dev libfccp-dev \
                libbox2d-dev libsfml-dev libx11-dev zlib1g-dev libimgui-dev libbenchmark-dev \
                nlohmann-json3-dev libplplot-dev plplot-driver-cairo pkg-config fonts-dejavu-core \
                dataset-fashion-mnist python3-sklearn pybind11-dev python3-dev python3-numpy \
                python3-pandas python3-matplotlib python3-pip python3-venv python3-setuptools
# (dataset-fashion-mnist and python3-sklearn are data: Fashion-MNIST's IDX files and
# scikit-learn's copy of the UCI digits, for the image envs Digits-v0 and FashionMNIST-v0;
# pandas for spikegym.load_results / compare from Python, matplotlib for the Python example,
# pip, venv and setuptools for `pip install --no-build-isolation .`)
# Only the tests need these: an X server for the viewer tests, a local SLURM cluster.
TEST_PACKAGES := xvfb xauth slurmctld slurmd slurm-client munge iproute2

.PHONY: run test sanitize deps test-deps build clean

deps:
	@bash .ci/install-deps $(DEB_PACKAGES)

test-deps: deps
	@bash .ci/install-deps $(TEST_PACKAGES)

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

# The quickstart (about 20 s on 2 cores), then its comparison table and what to run next.
run: build
	$(BUILD)/spikegym run experiments/quickstart.yaml
	$(BUILD)/spikegym compare results/quickstart --plots png
	@echo
	@echo "CartPole-v1 is solved when the mean return of 100 episodes reaches 475 (500 is the most)."
	@echo "Next:"
	@echo "  xvfb-run -a $(BUILD)/spikegym view experiments/quickstart.yaml --frames 300 --screenshot view.png   # watch it (drop xvfb-run and the flags on a desktop)"
	@echo "  $(BUILD)/spikegym run experiments/cartpole_solve.yaml && $(BUILD)/spikegym compare results/cartpole_solve   # 10 seeds x 1000 episodes"
	@echo "  $(BUILD)/spikegym list presets; $(BUILD)/spikegym show preset cartpole_solve   # start your own sweep from a preset"

test: build test-deps
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer (its own build
# folder). System libraries' caches are suppressed (tests/lsan.supp); Mesa's GL driver leaks a
# little at exit, so the viewer tests run without leak checks.
sanitize: deps test-deps
	cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPIKEGYM_SANITIZE=ON
	cmake --build build-sanitize -j $(JOBS)
	cd build-sanitize && ASAN_OPTIONS=abort_on_error=1:detect_stack_use_after_return=0 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) build-sanitize
