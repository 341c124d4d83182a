# The two entry points: `make demo` and `make test`. Both install missing Debian packages first.
BUILD ?= build
# `make test` runs the suite in $(BUILD) (Release), then again in $(SAN_BUILD) under
# AddressSanitizer and UndefinedBehaviorSanitizer, so memory errors and UB fail CI. `make test-asan`
# runs only the second. There ctest leaves out the entries labelled `build-independent` (the Python
# validators of tests/golden/, which read only files of the source tree), since they would repeat the
# Release run exactly. Every Catch2 test case runs in both builds; the benchmark is not built there.
SAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
EXAMPLES := $(basename $(notdir $(wildcard examples/*.cpp)))

.PHONY: deps build build-asan demo test test-asan clean

deps:
	@.ci/install-deps

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release > /dev/null
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@mkdir -p out
	@for e in $(EXAMPLES); do \
	  $(BUILD)/examples/$$e --target kfp -o out/$$e.kfp.yaml && \
	  $(BUILD)/examples/$$e --target argo -o out/$$e.argo.yaml && \
	  $(BUILD)/examples/$$e --target kfp --graph svg -o out/$$e.svg && \
	  echo "out/$$e.kfp.yaml out/$$e.argo.yaml out/$$e.svg" || exit 1; \
	done

build-asan: deps
	cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIPECC_SANITIZE=address,undefined \
	  -DPIPECC_BUILD_BENCH=OFF > /dev/null
	cmake --build $(SAN_BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-asan

test-asan: build-asan
	cd $(SAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) --label-exclude build-independent

clean:
	rm -rf $(BUILD) $(SAN_BUILD) out
