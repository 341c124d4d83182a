// Time zones for `pipecc deploy kfp`: whether a zone keeps one UTC offset, read from its TZif file
// (RFC 8536: a version 2+ file ends with a POSIX TZ string, e.g. "JST-9" or
// "EST5EDT,M3.2.0,M11.1.0"; a DST part after the standard offset means the offset changes).
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "deploy/tz_zone.hpp"
#include "pipecc/error.hpp"
#include "tools/subprocess.hpp"

namespace deploy_tz_zone_test {

using namespace pipecc::deploy;
using Catch::Contains;

namespace {

// 2026-01-01T00:00:00Z: the rules in effect at a fixed time, so that the tests do not age.
constexpr std::int64_t kNow = 1767225600;

class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() { old_ ? (void)setenv(name_, old_->c_str(), 1) : (void)unsetenv(name_); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

void put_be(std::string& out, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>(v >> (8 * i) & 0xff);
}

// A version 2 TZif file (RFC 8536 section 3): an empty version 1 block, then the 64-bit data with
// one time type per offset, then the footer between newlines.
std::string tzif(const std::vector<std::pair<std::int64_t, int>>& transitions, const std::vector<int>& offsets,
                 const std::string& footer, char version = '2') {
    const auto header = [&](std::size_t times, std::size_t types, std::size_t chars) {
        std::string h = "TZif";
        h += version;
        h += std::string(15, '\0');
        for (std::size_t c : {std::size_t{0}, std::size_t{0}, std::size_t{0}, times, types, chars}) put_be(h, c, 4);
        return h;
    };
    std::string out = header(0, 1, 1) + std::string(6, '\0') + std::string(1, '\0');
    if (version == '\0') return out;
    out += header(transitions.size(), offsets.size(), 1);
    for (const auto& t : transitions) put_be(out, static_cast<std::uint64_t>(t.first), 8);
    for (const auto& t : transitions) out += static_cast<char>(t.second);
    for (int o : offsets) {
        put_be(out, static_cast<std::uint32_t>(o), 4);
        out += std::string(2, '\0');
    }
    out += '\0';
    return out + "\n" + footer + "\n";
}

}  // namespace

TEST_CASE("deploy: POSIX TZ strings give the standard offset and any daylight saving time", "[deploy][cron]") {
    CHECK(parse_posix_tz("JST-9").standard == 9 * 3600);
    CHECK_FALSE(parse_posix_tz("JST-9").daylight);
    CHECK(parse_posix_tz("IST-5:30").standard == 5 * 3600 + 1800);
    CHECK(parse_posix_tz("<+0545>-5:45").standard == 5 * 3600 + 45 * 60);
    CHECK(parse_posix_tz("<-03>3").standard == -3 * 3600);
    CHECK(parse_posix_tz("UTC0").standard == 0);
    const auto ny = parse_posix_tz("EST5EDT,M3.2.0,M11.1.0");
    CHECK(ny.standard == -5 * 3600);
    CHECK(ny.daylight == -4 * 3600);  // an hour ahead unless the string says otherwise
    const auto lord_howe = parse_posix_tz("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");
    CHECK(lord_howe.standard == 10 * 3600 + 1800);
    CHECK(lord_howe.daylight == 11 * 3600);
    CHECK(parse_posix_tz("IST-1GMT0,M10.5.0,M3.5.0/1").daylight == 0);  // Dublin: negative DST
    for (const char* bad : {"", "J9", "JST", "JST-x", "<+09-9", "JST-9EDT;"}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_posix_tz(bad), pipecc::Error);
    }
}

TEST_CASE("deploy: Debian's tzdata files end with a POSIX TZ footer", "[deploy][cron]") {
    const auto tokyo = read_tz_zone("Asia/Tokyo");
    CHECK(tokyo.footer == "JST-9");
    CHECK_FALSE(offset_changes(tokyo, kNow));  // its DST of 1948-1951 is past
    CHECK(read_tz_zone("Asia/Kolkata").footer == "IST-5:30");
    const auto ny = read_tz_zone("America/New_York");
    CHECK(ny.footer == "EST5EDT,M3.2.0,M11.1.0");
    CHECK(offset_changes(ny, kNow));
    CHECK(offset_changes(read_tz_zone("Europe/London"), kNow));
    CHECK(offset_changes(read_tz_zone("Australia/Lord_Howe"), kNow));  // by half an hour
    CHECK_FALSE(offset_changes(read_tz_zone("America/Sao_Paulo"), kNow));  // no DST since 2019
    // Morocco's footer has no DST, but its file lists the Ramadan changes years ahead.
    const auto casablanca = read_tz_zone("Africa/Casablanca");
    CHECK_FALSE(casablanca.offsets.daylight);
    CHECK(offset_changes(casablanca, kNow));
    CHECK(read_tz_zone("UTC").offsets.standard == 0);
    CHECK_THROWS_WITH(read_tz_zone("Asia/Atlantis"), Contains("unknown time zone 'Asia/Atlantis'"));
    CHECK_THROWS_WITH(read_tz_zone("Asia"), Contains("unknown time zone 'Asia'"));  // a directory
    for (const char* outside : {"../../etc/passwd", "/etc/localtime", "Asia/Tokyo\n"}) {
        CHECK_THROWS_WITH(read_tz_zone(outside), Contains("is not an IANA time zone name"));
    }
}

TEST_CASE("deploy: a zone's offset changes when its footer has DST or a change is still ahead", "[deploy][cron]") {
    pipecc::test::TempDir dir;
    ScopedEnv tzdir("TZDIR", dir.path().string());
    const auto write = [&](const std::string& name, const std::string& bytes) {
        std::ofstream(dir / name, std::ios::binary) << bytes;
    };
    write("Fixed", tzif({{-1000000000, 0}}, {9 * 3600}, "<+09>-9"));
    write("Dst", tzif({}, {-5 * 3600}, "EST5EDT,M3.2.0,M11.1.0"));
    write("Ahead", tzif({{kNow - 100, 0}, {kNow + 100, 1}}, {3600, 0}, "<+01>-1"));
    write("Behind", tzif({{kNow - 200, 1}, {kNow - 100, 0}}, {3600, 0}, "<+01>-1"));
    write("Moving", tzif({{kNow - 100, 0}, {kNow + 100, 1}}, {3 * 3600, 4 * 3600}, "<+04>-4"));  // ahead: one change
    write("Version1", tzif({}, {}, "", '\0'));
    write("NoFooter", tzif({}, {0}, ""));
    write("Cut", tzif({}, {0}, "JST-9").substr(0, 60));
    write("Text", "# tzdb data for ...\n");

    const auto fixed = read_tz_zone("Fixed");
    CHECK(fixed.offsets.standard == 9 * 3600);
    CHECK_FALSE(offset_changes(fixed, kNow));
    CHECK(offset_changes(read_tz_zone("Dst"), kNow));
    CHECK(offset_changes(read_tz_zone("Ahead"), kNow));
    CHECK_FALSE(offset_changes(read_tz_zone("Behind"), kNow));
    CHECK(offset_changes(read_tz_zone("Moving"), kNow));
    CHECK_FALSE(offset_changes(read_tz_zone("Moving"), kNow + 200));  // once the change is past
    CHECK_THROWS_WITH(read_tz_zone("Version1"), Contains("version 1 TZif file has no POSIX TZ footer"));
    CHECK_THROWS_WITH(read_tz_zone("NoFooter"), Contains("footer is empty"));
    CHECK_THROWS_WITH(read_tz_zone("Cut"), Contains("truncated"));
    CHECK_THROWS_WITH(read_tz_zone("Text"), Contains("not a TZif file"));
    CHECK_THROWS_WITH(read_tz_zone("Asia/Tokyo"), Contains("unknown time zone 'Asia/Tokyo'"));
}

TEST_CASE("deploy: offsets read as UTC+hh:mm in messages", "[deploy][cron]") {
    CHECK(utc_offset_text(9 * 3600) == "UTC+09:00");
    CHECK(utc_offset_text(-5 * 3600) == "UTC-05:00");
    CHECK(utc_offset_text(5 * 3600 + 45 * 60) == "UTC+05:45");
    CHECK(utc_offset_text(0) == "UTC+00:00");
}

}  // namespace deploy_tz_zone_test
