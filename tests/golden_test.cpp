// Every example compiled to both targets must equal its golden file in tests/golden/.
// PIPECC_UPDATE_GOLDENS=1 rewrites the goldens on purpose; CI refuses to.
#include <catch2/catch.hpp>

#include "test_support.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace golden_test {

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// "line N: expected ... / actual ..." for the first differing line.
std::string first_difference(const std::string& expected, const std::string& actual) {
    std::istringstream e(expected), a(actual);
    std::string le, la;
    for (int line = 1;; ++line) {
        const bool more_e = static_cast<bool>(std::getline(e, le));
        const bool more_a = static_cast<bool>(std::getline(a, la));
        if (!more_e && !more_a) return "files differ only in their final newline";
        if (le != la || more_e != more_a) {
            return "line " + std::to_string(line) + ":\n  golden: " + (more_e ? le : "<end>") +
                   "\n  actual: " + (more_a ? la : "<end>");
        }
    }
}

bool update_requested() {
    const char* v = std::getenv("PIPECC_UPDATE_GOLDENS");
    return v && std::string(v) == "1";
}

}  // namespace

// One compiled output: `<example>.<suffix>.yaml`, from `<flags>`.
struct Variant {
    std::string example;  // empty: every example
    std::string suffix;
    std::string flags;
};

// Every example for the default engines (kfp@2.17, argo@4.1), plus kfp@1.8 where its lowering
// differs: its Argo 3.1 has no expression templates, and a schedule is not a CronWorkflow there.
// argo@3.6 to 4.0 write the same bytes as argo@4.1 (tests/engine_profile_test.cpp).
const std::vector<Variant> kVariants = {
    {"", "kfp", "--engine kfp"},
    {"", "argo", "--engine argo"},
    {"daily_prediction", "argo-kfp-1.8", "--engine kfp@1.8"},
    {"prediction_pipeline", "argo-kfp-1.8", "--engine kfp@1.8"},
};

TEST_CASE("examples match their goldens", "[golden]") {
    const fs::path golden_dir = fs::path(PIPECC_SOURCE_DIR) / "tests" / "golden";
    const auto names = pipecc::test::example_names();
    REQUIRE(!names.empty());
    if (update_requested() && std::getenv("CI")) FAIL("PIPECC_UPDATE_GOLDENS is refused in CI");

    for (const auto& name : names) {
        for (const auto& variant : kVariants) {
            if (!variant.example.empty() && variant.example != name) continue;
            const std::string& target = variant.suffix;
            DYNAMIC_SECTION(name << " " << variant.flags) {
                const fs::path binary = fs::path(PIPECC_EXAMPLES_BIN_DIR) / name;
                const fs::path actual_path = fs::temp_directory_path() / ("pipecc-golden-" + name + "." + target);
                const std::string cmd =
                    binary.string() + " " + variant.flags + " -o " + actual_path.string();
                REQUIRE(std::system(cmd.c_str()) == 0);
                const std::string actual = read_file(actual_path);
                fs::remove(actual_path);
                const fs::path golden = golden_dir / (name + "." + target + ".yaml");
                if (update_requested()) {
                    fs::create_directories(golden_dir);
                    std::ofstream(golden, std::ios::binary) << actual;
                    WARN("updated " << golden.string());
                    continue;
                }
                INFO("golden " << golden.string() << " (regenerate on purpose with PIPECC_UPDATE_GOLDENS=1)");
                REQUIRE(fs::exists(golden));
                const std::string expected = read_file(golden);
                if (expected != actual) FAIL(first_difference(expected, actual));
            }
        }
    }
}

}  // namespace golden_test
