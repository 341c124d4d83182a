// Compile time has no effect on the output. Every example program compiles under two fake clocks
// years apart (Debian's `faketime`, which preloads libfaketime) and under the real one: for each
// target the bytes are identical, and no form of either fake day, nor of the real day, appears.
// kfp's `datetime.today()` trap (a date frozen when the pipeline was compiled) cannot happen.
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "test_support.hpp"

#include "tools/subprocess.hpp"

namespace determinism_test {

namespace fs = std::filesystem;

namespace {

struct FakeClock {
    const char* faketime;               // faketime's argument
    std::vector<std::string> forbidden;  // forms of that day (and instant) that must not appear
};

const std::vector<FakeClock> kClocks = {
    {"2001-02-03 04:05:06", {"2001", "20010203", "2001-02-03", "2001/02/03", "010203", "981173106"}},
    {"2033-09-10 11:12:13", {"2033", "20330910", "2033-09-10", "2033/09/10", "330910", "2009963533"}},
};

// The real day's YYYYMMDD and YYYY-MM-DD forms, in UTC and local time.
std::vector<std::string> real_day_forms() {
    const std::time_t now = std::time(nullptr);
    std::vector<std::string> out;
    for (bool utc : {true, false}) {
        std::tm tm{};
        utc ? gmtime_r(&now, &tm) : localtime_r(&now, &tm);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y%m%d", &tm);
        out.push_back(buf);
        std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
        out.push_back(buf);
    }
    return out;
}

// libfaketime is preloaded: an AddressSanitizer build must not insist on coming first.
std::map<std::string, std::optional<std::string>> faketime_env() {
    const char* asan = std::getenv("ASAN_OPTIONS");
    return {{"ASAN_OPTIONS", std::string(asan && *asan ? std::string(asan) + ":" : "") + "verify_asan_link_order=0"}};
}

// Compiles every example with `flags` under both fake clocks and the real one, and checks the
// outputs: identical bytes, and no form of any compile day.
void check_examples_under_fake_clocks(const std::vector<std::string>& flags) {
    if (!pipecc::test::find_program("faketime")) {
        WARN("SKIPPED: `faketime` is not installed (Debian package faketime, installed by .ci/install-deps); "
             "the compile clock was not moved");
        return;
    }
    const auto names = pipecc::test::example_names();
    REQUIRE(names.size() >= 6);
    const auto today = real_day_forms();
    pipecc::test::TempDir dir("pipecc-faketime");
    for (const auto& name : names) {
        std::string label = name;
        for (const auto& f : flags) label += " " + f;
        DYNAMIC_SECTION(label) {
            const std::string binary = std::string(PIPECC_EXAMPLES_BIN_DIR) + "/" + name;
            REQUIRE(fs::exists(binary));
            auto compile_with = [&](const char* fake) {
                const std::string out = dir / (name + "-" + (fake ? std::string(fake).substr(0, 4) : "real") + ".out");
                std::vector<std::string> argv;
                if (fake) argv = {"faketime", fake};
                argv.push_back(binary);
                argv.insert(argv.end(), flags.begin(), flags.end());
                argv.insert(argv.end(), {"-o", out});
                const auto r = pipecc::test::run_process(argv, {}, faketime_env());
                INFO(label << (fake ? std::string(" under faketime ") + fake : " on the real clock") << ": " << r.err);
                REQUIRE(r.exit_code == 0);
                auto text = pipecc::test::read_whole_file(out);
                REQUIRE(text);
                REQUIRE(!text->empty());
                return *text;
            };
            const std::string early = compile_with(kClocks[0].faketime);
            const std::string late = compile_with(kClocks[1].faketime);
            const std::string real = compile_with(nullptr);
            CHECK(early == late);
            CHECK(early == real);
            for (const auto& clock : kClocks) {
                for (const auto& form : clock.forbidden) {
                    INFO("a form of the fake compile day " << clock.faketime);
                    CHECK(early.find(form) == std::string::npos);
                    CHECK(late.find(form) == std::string::npos);
                }
            }
            for (const auto& form : today) {
                INFO("a form of the real compile day");
                CHECK(real.find(form) == std::string::npos);
            }
        }
    }
}

}  // namespace

TEST_CASE("determinism: every example's KFP IR is the same under clocks years apart",
          "[determinism][faketime][examples]") {
    check_examples_under_fake_clocks({"--target", "kfp"});
}

TEST_CASE("determinism: every example's Argo Workflow is the same under clocks years apart",
          "[determinism][faketime][examples]") {
    check_examples_under_fake_clocks({"--target", "argo"});
}

TEST_CASE("determinism: every example's kfp@1.8 Workflow (resolver step) is the same under clocks years apart",
          "[determinism][faketime][examples]") {
    check_examples_under_fake_clocks({"--engine", "kfp@1.8"});
}

TEST_CASE("determinism: every example's argo@3.6 Workflow is the same under clocks years apart",
          "[determinism][faketime][examples]") {
    check_examples_under_fake_clocks({"--engine", "argo@3.6"});
}

TEST_CASE("determinism: faketime really moves the clock of the programs it runs", "[determinism][faketime]") {
    if (!pipecc::test::find_program("faketime")) {
        WARN("SKIPPED: `faketime` is not installed (Debian package faketime, installed by .ci/install-deps)");
        return;
    }
    for (const auto& clock : kClocks) {
        const auto r = pipecc::test::run_process({"faketime", clock.faketime, "date", "-u", "+%Y-%m-%d"}, {}, faketime_env());
        REQUIRE(r.exit_code == 0);
        CHECK(r.out == std::string(clock.faketime).substr(0, 10) + "\n");
    }
}

}  // namespace determinism_test
