# Two commands a new user needs, each doing all of its own set-up:
#   make run   install Debian packages (if missing), build Release, run the quickstart
#   make test  the same set-up, then build and run the whole Catch2 suite through ctest
BUILD ?= build
JOBS ?= $(shell nproc)

DEB_PACKAGES := cmake g++ make libeigen3-dev catch2 libcli11-dev libyaml-cpp-dev libfccp-dev \
                libbox2d-dev libsfml-dev libbenchmark-dev \
                nlohmann-json3-dev libplplot-dev plplot-driver-cairo pkg-config \
                xvfb xauth fonts-dejavu-core slurmctld slurmd slurm-client munge iproute2

.PHONY: run test deps build clean

deps:
	@bash .ci/install-deps $(DEB_PACKAGES)

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/spikegym run experiments/quickstart.yaml

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD)
