# The two entry points: `make demo` and `make test`. Both install missing Debian packages first.
BUILD ?= build
JOBS ?= $(shell nproc)
EXAMPLES := $(basename $(notdir $(wildcard examples/*.cpp)))

.PHONY: deps build demo test clean

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
	  echo "out/$$e.kfp.yaml out/$$e.argo.yaml" || exit 1; \
	done

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD) out
