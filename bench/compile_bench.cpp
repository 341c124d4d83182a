// compile_bench: how long pipecc takes to build and compile pipelines of N container tasks, and
// whether that cost stays linear in N. Prints one JSON line per (N, shape, target); see README.md.
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <ctime>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <pipecc/pipecc.hpp>

namespace {

using namespace pipecc;

// chain and fanout are the core issue's shapes; copies (50-step chains side by side, as a team
// repeating one pipeline per region or customer builds), fanin (a fan-out whose tasks all feed
// one final task) and nested (sub-pipelines 200 deep) are the shapes users build at scale.
// ordered is a chain by .after() alone, with no data: the shape of Hera's size figure.
enum class Shape { Chain, Fanout, Copies, Fanin, Nested, Ordered };
constexpr std::size_t kCopyLength = 50;
constexpr std::size_t kNestingDepth = 200;

// CPU time leaves out the time spent waiting for a core, which inflates wall time on a shared
// machine; it still counts the kernel's time for page faults, a real cost of large pipelines.
enum class Clock { Wall, Cpu };

const std::map<std::string, Shape> shapes = {
    {"chain", Shape::Chain},   {"fanout", Shape::Fanout}, {"copies", Shape::Copies},
    {"fanin", Shape::Fanin},   {"nested", Shape::Nested}, {"ordered", Shape::Ordered}};
const std::map<std::string, Engine> targets = {{"kfp", Engine::kfp()}, {"argo", Engine::argo()}};
const std::map<std::string, Clock> clocks = {{"wall", Clock::Wall}, {"cpu", Clock::Cpu}};

// The component is built inside the timed region because a real pipeline program builds its
// components too; it is one object however many tasks reuse it.
Pipeline build_pipeline(Shape shape, std::size_t n) {
    const auto step = Component("step")
                          .image("alpine:3.20")
                          .input<String>("in")
                          .output<String>("out")
                          .command({"sh", "-c", "mkdir -p \"$(dirname \"$1\")\" && printf '%s' \"$0\" > \"$1\"",
                                    input_value("in"), output_path("out")});
    if (shape == Shape::Nested) {
        // 200 levels, each a pipeline whose chain of N/200 steps feeds the level below it, which
        // it runs as one task and whose output it returns.
        const std::size_t per_level = std::max<std::size_t>(1, n / kNestingDepth);
        std::optional<Pipeline> inner;
        for (std::size_t level = 0; level < kNestingDepth; ++level) {
            Pipeline p(level + 1 == kNestingDepth ? "bench-nested" : "level-" + std::to_string(level));
            Value<String> prev = p.param<String>("seed", "hello");
            for (std::size_t i = 0; i < per_level; ++i) prev = p.add(step).arg("in", prev).output<String>("out");
            if (inner) prev = p.add(*inner).arg("seed", prev).output<String>("out");
            p.output("out", prev);
            inner = std::move(p);
        }
        return *inner;
    }
    if (shape == Shape::Ordered) {
        const auto echo = Component("echo").image("alpine:3.20").command({"echo", "hello"});
        Pipeline p("bench-ordered");
        std::optional<Task> prev;
        for (std::size_t i = 0; i < n; ++i) {
            Task t = p.add(echo);
            if (prev) t.after(*prev);
            prev = t;
        }
        return p;
    }
    const char* names[] = {"bench-chain", "bench-fanout", "bench-copies", "bench-fanin"};
    Pipeline p(names[static_cast<int>(shape)]);
    const auto seed = p.param<String>("seed", "hello");
    if (shape == Shape::Fanin) {
        // N-1 parallel tasks, then one that waits for all of them: N-1 edges into one task.
        std::vector<Task> wide;
        wide.reserve(n);
        for (std::size_t i = 0; i + 1 < n; ++i) wide.push_back(p.add(step).arg("in", seed));
        Task last = p.add(step).arg("in", seed);
        for (const Task& t : wide) last.after(t);
        return p;
    }
    Value<String> prev = seed;
    for (std::size_t i = 0; i < n; ++i) {
        if (shape == Shape::Copies && i % kCopyLength == 0) prev = seed;  // a new copy starts
        Task t = p.add(step).arg("in", shape == Shape::Fanout ? seed : prev);
        if (shape != Shape::Fanout) prev = t.output<String>("out");
    }
    return p;
}

double now_ms(Clock clock) {
    timespec ts{};
    clock_gettime(clock == Clock::Cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double median(std::vector<double> xs) {
    std::sort(xs.begin(), xs.end());
    const std::size_t mid = xs.size() / 2;
    return xs.size() % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

double peak_rss_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

struct Result {
    double build_ms;
    double emit_ms;
    std::size_t bytes;
};

struct Settings {
    int runs;
    Clock clock;
    bool cold;
};

Result measure(Shape shape, Engine target, std::size_t n, const Settings& settings) {
    std::vector<double> build_ms;
    std::vector<double> emit_ms;
    std::size_t bytes = 0;
    for (int r = 0; r < settings.runs; ++r) {
#ifdef __GLIBC__
        // Hands the free heap back to the kernel so this run faults its memory in again, as a
        // fresh compiler process does; where a page fault is slow (VMs) that is most of the cost.
        if (settings.cold) malloc_trim(0);
#endif
        const double t0 = now_ms(settings.clock);
        const Pipeline p = build_pipeline(shape, n);
        const double t1 = now_ms(settings.clock);
        const graph::Graph g = check(p);
        const std::string text = compile_checked(g, {.engine = target});
        const double t2 = now_ms(settings.clock);
        build_ms.push_back(t1 - t0);
        emit_ms.push_back(t2 - t1);
        bytes = text.size();
    }
    return {median(build_ms), median(emit_ms), bytes};
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app("Times building and compiling synthetic pipelines of N tasks with pipecc.");
    std::vector<std::size_t> ns = {10, 100, 1000, 10000, 100000};
    std::vector<std::string> shape_names = {"chain", "fanout"};
    std::vector<std::string> target_names = {"kfp", "argo"};
    int runs = 5;
    std::string clock_name = "wall";
    bool cold = false;
    app.add_option("--n", ns, "Task counts (repeatable, or comma-separated)")
        ->delimiter(',')
        ->check(CLI::PositiveNumber);
    app.add_option("--shape", shape_names, "chain, fanout, copies (50-step chains), fanin, nested (200 deep) and/or ordered (.after() only)")->delimiter(',')->check(CLI::IsMember(shapes));
    app.add_option("--target", target_names, "kfp and/or argo")->delimiter(',')->check(CLI::IsMember(targets));
    app.add_option("--runs", runs, "Runs per line; each figure is their median")->check(CLI::PositiveNumber);
    app.add_option("--clock", clock_name, "wall, or cpu: this thread's CPU time")
        ->capture_default_str()
        ->check(CLI::IsMember(clocks));
    app.add_flag("--cold", cold, "Return the free heap to the kernel before each run (a fresh process's cost)");
    CLI11_PARSE(app, argc, argv);
#ifndef __GLIBC__
    if (cold) {
        std::fprintf(stderr, "error: --cold needs glibc's malloc_trim\n");
        return 2;
    }
#endif

#ifdef __GLIBC__
    // Each run starts on a warm heap: the memory earlier runs freed, still faulted in (unless
    // --cold). glibc's defaults would hand part of it back to the kernel at the end of a run,
    // and which part depends on where the run's last blocks fell: the same compile measured 10
    // or 280 page faults a run (~12 us each here), and from one build to the next. Fixed
    // thresholds take that luck out: blocks under 32 MiB (the most glibc's own rule reaches)
    // come from the heap, and the heap is never trimmed.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
#endif
    const Settings settings{runs, clocks.at(clock_name), cold};

    // Ascending N makes each line's peak RSS that of the largest pipeline so far.
    std::sort(ns.begin(), ns.end());
    ns.erase(std::unique(ns.begin(), ns.end()), ns.end());

    try {
        for (std::size_t n : ns) {
            for (const auto& shape : shape_names) {
                for (const auto& target : target_names) {
                    const Result r = measure(shapes.at(shape), targets.at(target), n, settings);
                    std::printf(
                        "{\"shape\":\"%s\",\"target\":\"%s\",\"n\":%zu,\"build_ms\":%.4f,\"emit_ms\":%.4f,"
                        "\"bytes\":%zu,\"peak_rss_mb\":%.1f}\n",
                        shape.c_str(), target.c_str(), n, r.build_ms, r.emit_ms, r.bytes, peak_rss_mib());
                    std::fflush(stdout);
                }
            }
        }
    } catch (const Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
