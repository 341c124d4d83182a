# The two entry points: `make demo` and `make test`. Both install missing Debian packages first.
BUILD ?= build
# `make test` runs the suite in $(BUILD) (Release), then again in $(SAN_BUILD) under
# AddressSanitizer and UndefinedBehaviorSanitizer, so memory errors and UB fail CI. `make test-asan`
# runs only the second. There ctest leaves out the entries labelled `build-independent` (the Python
# validators of tests/golden/ and header_examples, which read only files of the source tree), since
# they would repeat the Release run exactly. Every Catch2 test case runs in both builds; the
# benchmark is not built there.
SAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
EXAMPLES := $(basename $(notdir $(wildcard examples/*.cpp)))

# `make fuzz` (not part of `make test`) builds the libFuzzer targets of fuzz/ with clang in
# $(FUZZ_BUILD) and runs each for FUZZ_SECONDS; see fuzz/README.md.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: deps build build-asan demo test test-asan fuzz clean

deps:
	@.ci/install-deps

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release > /dev/null
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@mkdir -p out
	@for e in $(EXAMPLES); do \
	  $(BUILD)/examples/$$e --engine kfp -o out/$$e.kfp.yaml && \
	  $(BUILD)/examples/$$e --engine argo -o out/$$e.argo.yaml && \
	  $(BUILD)/examples/$$e --engine kfp --graph svg -o out/$$e.svg && \
	  echo "out/$$e.kfp.yaml out/$$e.argo.yaml out/$$e.svg" || exit 1; \
	done

# The sanitizer build is at -O1 (AddressSanitizer's own advice for speed) with line tables only
# (-g1, enough for its stack traces): RelWithDebInfo's -O2 -g took twice as long to build.
build-asan: deps
	cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIPECC_SANITIZE=address,undefined \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" -DPIPECC_BUILD_BENCH=OFF > /dev/null
	cmake --build $(SAN_BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-asan

test-asan: build-asan
	cd $(SAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) --label-exclude build-independent

fuzz:
	@.ci/install-deps clang libclang-rt-14-dev
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIPECC_FUZZ=ON \
	  -DPIPECC_BUILD_TESTS=OFF -DPIPECC_BUILD_EXAMPLES=OFF -DPIPECC_BUILD_BENCH=OFF > /dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets
	@status=0; for t in $$(cat $(FUZZ_BUILD)/fuzz/targets.txt); do \
	  mkdir -p $(FUZZ_BUILD)/crashes/$$t && echo "fuzzing $$t for $(FUZZ_SECONDS) s" && \
	  $(FUZZ_BUILD)/fuzz/$$t $(FUZZ_BUILD)/corpus/$$t -dict=fuzz/yaml.dict -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/crashes/$$t/ \
	  || { status=1; echo "$$t: see $(FUZZ_BUILD)/crashes/$$t/"; }; \
	done; exit $$status

clean:
	rm -rf $(BUILD) $(SAN_BUILD) out
