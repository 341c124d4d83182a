// The layering rule, read from the source tree: dsl -> graph <- backends, and graph depends on
// neither. (emit/, the document writers, sits below everything and includes no other layer.)
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace dependency_direction_test {

namespace fs = std::filesystem;

namespace {

struct Include {
    std::string file;  // relative to the repository root
    int line;
    std::string target;  // what is included, e.g. "pipecc/graph/graph.hpp"
};

const fs::path& repo_root() {
    static const fs::path root(PIPECC_SOURCE_DIR);
    return root;
}

// Every #include (either quote style) of every C++ file under the given folders.
std::vector<Include> includes_under(std::initializer_list<const char*> folders, std::size_t* files_seen = nullptr) {
    static const std::regex include_re(R"(^\s*#\s*include\s*[<"]([^>"]+)[>"])");
    std::vector<Include> out;
    std::size_t files = 0;
    for (const char* folder : folders) {
        const fs::path dir = repo_root() / folder;
        if (!fs::exists(dir)) continue;
        for (const auto& entry : fs::recursive_directory_iterator(dir)) {
            if (!entry.is_regular_file()) continue;
            const auto ext = entry.path().extension().string();
            if (ext != ".cpp" && ext != ".hpp" && ext != ".h" && ext != ".cc" && ext != ".inc") continue;
            ++files;
            std::ifstream in(entry.path());
            std::string line;
            int number = 0;
            while (std::getline(in, line)) {
                ++number;
                std::smatch m;
                if (std::regex_search(line, m, include_re)) {
                    out.push_back({fs::relative(entry.path(), repo_root()).string(), number, m[1].str()});
                }
            }
        }
    }
    if (files_seen) *files_seen = files;
    return out;
}

// The includes among `incs` whose target starts with one of `prefixes`, as "file:line -> target".
std::vector<std::string> violations(const std::vector<Include>& incs, std::initializer_list<const char*> prefixes) {
    std::vector<std::string> out;
    for (const auto& inc : incs) {
        for (const char* prefix : prefixes) {
            if (inc.target.rfind(prefix, 0) == 0) {
                out.push_back(inc.file + ":" + std::to_string(inc.line) + " -> " + inc.target);
            }
        }
    }
    return out;
}

}  // namespace

TEST_CASE("the scanner sees the source tree and its includes", "[deps]") {
    std::size_t files = 0;
    const auto incs = includes_under({"src/dsl", "include/pipecc/dsl"}, &files);
    REQUIRE(files >= 3);
    // The DSL does use the graph: a scanner that found nothing would pass every rule below.
    CHECK_FALSE(violations(incs, {"pipecc/graph/"}).empty());
    const auto backend_incs = includes_under({"src/backends"}, &files);
    REQUIRE(files >= 2);
    CHECK_FALSE(violations(backend_incs, {"pipecc/graph/"}).empty());
}

TEST_CASE("backends do not include the DSL", "[deps]") {
    const auto incs = includes_under({"src/backends", "include/pipecc/backends"});
    const auto bad = violations(incs, {"pipecc/dsl/", "pipecc/pipecc.hpp", "pipecc/compile.hpp", "pipecc/main.hpp"});
    INFO("backends must depend on the graph only:\n" << Catch::Detail::stringify(bad));
    CHECK(bad.empty());
}

TEST_CASE("the DSL does not include backends", "[deps]") {
    const auto incs = includes_under({"src/dsl", "include/pipecc/dsl"});
    const auto bad = violations(incs, {"pipecc/backends/", "pipecc/compile.hpp", "pipecc/pipecc.hpp", "pipecc/main.hpp"});
    INFO("the DSL must not know the backends:\n" << Catch::Detail::stringify(bad));
    CHECK(bad.empty());
}

TEST_CASE("the graph includes neither the DSL nor the backends", "[deps]") {
    const auto incs = includes_under({"src/graph", "include/pipecc/graph"});
    const auto bad = violations(incs, {"pipecc/dsl/", "pipecc/backends/", "pipecc/compile.hpp", "pipecc/pipecc.hpp",
                                       "pipecc/main.hpp"});
    INFO("the graph is the middle layer:\n" << Catch::Detail::stringify(bad));
    CHECK(bad.empty());
}

TEST_CASE("the document writers include no other layer", "[deps]") {
    const auto incs = includes_under({"src/emit", "include/pipecc/emit"});
    const auto bad = violations(incs, {"pipecc/dsl/", "pipecc/backends/", "pipecc/graph/", "pipecc/compile.hpp",
                                       "pipecc/pipecc.hpp", "pipecc/main.hpp"});
    INFO("emit/ is the bottom layer:\n" << Catch::Detail::stringify(bad));
    CHECK(bad.empty());
}

// Every user's pipeline parses these headers on each edit (issue 17): nlohmann/json alone took half
// of that time. Third-party headers stay in src/, and so do the standard headers that a
// declaration or a lighter type replaces (pipecc::Json, FunctionRef, a duration template, <iosfwd>).
TEST_CASE("public headers include no third-party header and no heavy standard one", "[deps]") {
    std::size_t files = 0;
    const auto incs = includes_under({"include/pipecc"}, &files);
    REQUIRE(files >= 20);
    REQUIRE_FALSE(violations(incs, {"string"}).empty());  // the scanner sees standard headers too
    const auto third_party = violations(incs, {"nlohmann/", "fmt/", "CLI/", "yaml-cpp/", "catch2/", "curl/"});
    INFO("public headers must not include third-party headers:\n" << Catch::Detail::stringify(third_party));
    CHECK(third_party.empty());
    // The heavy standard headers count in what pipecc.hpp reaches, following its own includes.
    std::set<std::string> reached{"include/pipecc/pipecc.hpp"};
    std::vector<std::string> todo{"include/pipecc/pipecc.hpp"};
    std::vector<std::string> heavy;
    const std::set<std::string> heavy_names{"functional", "chrono",     "ostream",   "istream",
                                            "iostream",   "sstream",    "fstream",   "map",
                                            "regex",      "filesystem", "algorithm", "unordered_map"};
    while (!todo.empty()) {
        const std::string file = todo.back();
        todo.pop_back();
        for (const auto& inc : incs) {
            if (inc.file != file) continue;
            if (inc.target.rfind("pipecc/", 0) == 0 && reached.insert("include/" + inc.target).second) {
                todo.push_back("include/" + inc.target);
            }
            if (heavy_names.count(inc.target)) heavy.push_back(inc.file + ":" + std::to_string(inc.line) + " -> <" + inc.target + ">");
        }
    }
    REQUIRE(reached.size() >= 10);
    INFO("pipecc.hpp must not reach heavy standard headers:\n" << Catch::Detail::stringify(heavy));
    CHECK(heavy.empty());
}

}  // namespace dependency_direction_test
