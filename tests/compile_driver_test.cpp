// The compiler driver: atomic file writes, deterministic output, and the check trace.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "pipecc/graph/passes.hpp"
#include "test_support.hpp"

namespace compile_driver_test {

using namespace pipecc;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the system temp dir, removed when the test ends.
class TempDir {
public:
    TempDir() {
        std::random_device rd;
        for (int attempt = 0; attempt < 100; ++attempt) {
            path_ = fs::temp_directory_path() / ("pipecc-driver-test-" + std::to_string(rd()));
            if (fs::create_directory(path_)) return;
        }
        throw std::runtime_error("cannot create a temporary directory");
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::vector<std::string> dir_entries(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

bool has_temp_file(const fs::path& dir) {
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().filename().string().find(".tmp-") != std::string::npos) return true;
    }
    return false;
}

// A pipeline with parameters, data edges, artifacts and settings, built with its tasks declared
// in one order or another (same graph, same names). Without `k8s`, no Kubernetes-only settings
// (which KFP's JSON format cannot carry).
Pipeline sample(bool reversed, bool k8s = true) {
    const auto src = Component("extract")
                         .image("alpine:3.20")
                         .input<String>("root")
                         .output<String>("day")
                         .output<Dataset>("rows")
                         .command({"sh", "-c", "x", input_value("root"), output_path("day"), output_path("rows")});
    const auto work = Component("work")
                          .image("alpine:3.20")
                          .input<String>("day")
                          .input<Dataset>("rows")
                          .input<Int>("n", 3)
                          .output<Model>("model")
                          .command({"sh", "-c", "y", input_value("day"), input_path("rows"), output_path("model")});
    const auto lone = Component("lone").image("alpine:3.20").command({"true"});

    Pipeline p("sample");
    const auto root = p.param<String>("root", "gs://bucket");
    Task extract = p.add(src, "extract").arg("root", root);
    auto add_work = [&](const std::string& name) {
        Task t = p.add(work, name)
                     .arg("day", concat(root, "/", extract.output<String>("day")))
                     .arg("rows", extract.output<Dataset>("rows"))
                     .memory_request(name == "left" ? "1Gi" : "2Gi");
        if (k8s && name == "left") t.node_selector("pool", "big").timeout(std::chrono::minutes(5));
        return t;
    };
    std::optional<Task> lone_a, left, right;
    if (!reversed) {
        lone_a.emplace(p.add(lone, "lone-a"));
        left.emplace(add_work("left"));
        right.emplace(add_work("right").retry(2, std::chrono::seconds(5)));
        p.add(lone, "lone-b").caching(false);
    } else {
        p.add(lone, "lone-b").caching(false);
        right.emplace(add_work("right").retry(2, std::chrono::seconds(5)));
        left.emplace(add_work("left"));
        lone_a.emplace(p.add(lone, "lone-a"));
    }
    // A task with several dependencies, listed in declaration order.
    if (!reversed) {
        p.add(lone, "report").after(*lone_a, *left, *right);
    } else {
        p.add(lone, "report").after(*right, *left, *lone_a);
    }
    return p;
}

}  // namespace

TEST_CASE("write_file_atomic writes the content, replacing an existing file", "[driver]") {
    TempDir dir;
    const fs::path target = dir.path() / "out.yaml";
    write_file_atomic(target.string(), "first\n");
    CHECK(read_file(target) == "first\n");
    write_file_atomic(target.string(), std::string("second: \0binary\n", 16));
    CHECK(read_file(target) == std::string("second: \0binary\n", 16));
    write_file_atomic(target.string(), "");
    CHECK(fs::exists(target));
    CHECK(fs::file_size(target) == 0);
    CHECK(dir_entries(dir.path()) == std::vector<std::string>{"out.yaml"});
    // An ordinary file, readable by others (mkstemp's 0600 is widened).
    const auto perms = fs::status(target).permissions();
    CHECK((perms & fs::perms::owner_read) != fs::perms::none);
    CHECK((perms & fs::perms::others_read) != fs::perms::none);
}

TEST_CASE("write_file_atomic writes large content completely", "[driver]") {
    TempDir dir;
    const fs::path target = dir.path() / "big.yaml";
    std::string big;
    for (int i = 0; i < 200000; ++i) big += "line " + std::to_string(i) + "\n";
    write_file_atomic(target.string(), big);
    CHECK(read_file(target) == big);
}

TEST_CASE("write_file_atomic into a missing directory fails and leaves nothing", "[driver]") {
    TempDir dir;
    const fs::path target = dir.path() / "missing" / "out.yaml";
    auto e = test::error_of([&] { write_file_atomic(target.string(), "x"); });
    REQUIRE(e);
    CHECK(e->where().file == target.string());
    CHECK_THAT(e->what(), Contains(target.string()));
    CHECK_FALSE(fs::exists(target));
    CHECK(dir_entries(dir.path()).empty());
}

TEST_CASE("write_file_atomic that cannot replace the target leaves it and no temporary file", "[driver]") {
    TempDir dir;
    // The target is a non-empty directory: the temporary file is written, the rename fails.
    const fs::path target = dir.path() / "out.yaml";
    fs::create_directory(target);
    { std::ofstream(target / "keep") << "kept"; }
    auto e = test::error_of([&] { write_file_atomic(target.string(), "new content"); });
    REQUIRE(e);
    CHECK(e->where().file == target.string());
    CHECK(fs::is_directory(target));
    CHECK(read_file(target / "keep") == "kept");
    CHECK_FALSE(has_temp_file(dir.path()));
    CHECK(dir_entries(dir.path()) == std::vector<std::string>{"out.yaml"});
}

TEST_CASE("write_file_atomic in a read-only directory keeps the previous file", "[driver]") {
    if (::geteuid() == 0) {
        WARN("running as root: directory permissions do not apply, skipped");
        return;
    }
    TempDir dir;
    const fs::path target = dir.path() / "out.yaml";
    write_file_atomic(target.string(), "previous\n");
    fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec);
    auto e = test::error_of([&] { write_file_atomic(target.string(), "next\n"); });
    fs::permissions(dir.path(), fs::perms::owner_all);
    REQUIRE(e);
    CHECK(read_file(target) == "previous\n");
    CHECK(dir_entries(dir.path()) == std::vector<std::string>{"out.yaml"});
}

TEST_CASE("a compile that throws leaves the previous output untouched", "[driver]") {
    TempDir dir;
    const fs::path target = dir.path() / "p.kfp.yaml";
    write_file_atomic(target.string(), "previous\n");
    Pipeline bad("p");
    bad.add(test::component("c").input<String>("x"), "t");  // required input not bound
    CHECK_THROWS_AS(write_file_atomic(target.string(), compile(bad, {.engine = Engine::kfp()})), Error);
    CHECK(read_file(target) == "previous\n");
    CHECK_FALSE(has_temp_file(dir.path()));
    CHECK(dir_entries(dir.path()) == std::vector<std::string>{"p.kfp.yaml"});
}

TEST_CASE("the same program compiles to identical bytes every time", "[driver]") {
    for (const auto engine : {Engine::kfp(), Engine::argo()}) {
        for (const auto format : {Format::Yaml, Format::Json}) {
            CAPTURE(engine.name(), static_cast<int>(format));
            // KFP's JSON format cannot carry Kubernetes-only settings.
            const bool k8s = !(engine == Engine::kfp() && format == Format::Json);
            const Pipeline p = sample(false, k8s);
            const std::string first = compile(p, {.engine = engine, .format = format});
            const std::string second = compile(p, {.engine = engine, .format = format});
            const std::string rebuilt = compile(sample(false, k8s), {.engine = engine, .format = format});
            CHECK_FALSE(first.empty());
            CHECK(first == second);
            CHECK(first == rebuilt);
        }
    }
}

TEST_CASE("tasks declared in another order compile to identical bytes", "[driver]") {
    const Pipeline a = sample(false);
    const Pipeline b = sample(true);
    // The graphs really were declared differently.
    REQUIRE(a.graph().tasks[1].name != b.graph().tasks[1].name);
    CHECK(compile(a, {.engine = Engine::kfp()}) == compile(b, {.engine = Engine::kfp()}));
    CHECK(compile(sample(false, false), {.engine = Engine::kfp(), .format = Format::Json}) ==
          compile(sample(true, false), {.engine = Engine::kfp(), .format = Format::Json}));
    CHECK(compile(a, {.engine = Engine::argo()}) == compile(b, {.engine = Engine::argo()}));
    CHECK(compile(a, {.engine = Engine::argo(), .format = Format::Json}) ==
          compile(b, {.engine = Engine::argo(), .format = Format::Json}));
}

TEST_CASE("compile_checked gives the same text as compile", "[driver]") {
    const Pipeline p = sample(false);
    const graph::Graph g = check(p);
    CHECK(compile_checked(g, {.engine = Engine::kfp()}) == compile(p, {.engine = Engine::kfp()}));
    CHECK(compile_checked(g, {.engine = Engine::argo()}) == compile(p, {.engine = Engine::argo()}));
}

TEST_CASE("check() with a trace names every pass, in order", "[driver]") {
    const Pipeline p = sample(false);
    std::ostringstream trace;
    const graph::Graph g = check(p, &trace);
    const std::string text = trace.str();
    std::size_t last = 0;
    std::size_t count = 0;
    for (const auto& pass : graph::passes()) {
        CAPTURE(pass.name);
        const std::string marker = "pass '" + std::string(pass.name) + "'";
        const auto at = text.find(marker);
        REQUIRE(at != std::string::npos);
        CHECK(at >= last);
        last = at;
        ++count;
    }
    CHECK(count >= 6);
    // The core passes, in the documented order.
    std::size_t prev = 0;
    for (const char* name : {"names", "references", "scopes", "bindings", "settings", "order"}) {
        CAPTURE(name);
        const auto at = text.find("pass '" + std::string(name) + "'");
        REQUIRE(at != std::string::npos);
        CHECK(at >= prev);
        prev = at;
    }
    // The trace shows the graph, e.g. the tasks after the last pass.
    CHECK_THAT(text.substr(last), Contains("task extract"));
    // Tracing does not change the result.
    CHECK(compile_checked(g, {.engine = Engine::kfp()}) == compile(p, {.engine = Engine::kfp()}));

    // A trace passed through CompileOptions is written too.
    std::ostringstream via_options;
    compile(p, {.engine = Engine::argo(), .trace = &via_options});
    CHECK_THAT(via_options.str(), Contains("pass 'names'") && Contains("pass 'order'"));
}

TEST_CASE("check() stops at the first failing pass and the trace shows the passes before it", "[driver]") {
    Pipeline p("p");
    p.add(test::component("c").input<String>("x"), "t");  // fails in bindings
    std::ostringstream trace;
    CHECK_THROWS_AS(check(p, &trace), Error);
    CHECK_THAT(trace.str(), Contains("pass 'scopes'"));
    CHECK(trace.str().find("pass 'bindings'") == std::string::npos);
    CHECK(trace.str().find("pass 'order'") == std::string::npos);
}

TEST_CASE("version() is a dotted version and names the IR's sdkVersion", "[driver]") {
    const std::string v(version());
    CHECK_FALSE(v.empty());
    CHECK(v.find('.') != std::string::npos);
    Pipeline p("p");
    p.add(test::component("c"));
    CHECK_THAT(compile(p, {.engine = Engine::kfp()}), Contains("sdkVersion: pipecc-" + v));
}

}  // namespace compile_driver_test
