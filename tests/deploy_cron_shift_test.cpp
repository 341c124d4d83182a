// Moving a cron between clocks (KFP's controller reads every cron in its one zone): for many crons
// and offsets, the moved cron fires at exactly the same instants over years of calendar, leap days
// and month ends included, or the move is refused. The instants come from an independent reading of
// robfig/cron v1.2.0 (parser.go getRange, spec.go bounds and dayMatches), not from pipecc's parser.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "deploy/cron_shift.hpp"
#include "pipecc/error.hpp"

namespace deploy_cron_shift_test {

using namespace pipecc::deploy;

namespace {

struct Bounds {
    int min, max;
    std::map<std::string, int> names{};
};

const std::array<Bounds, 6> kBounds{{
    {0, 59},
    {0, 59},
    {0, 23},
    {1, 31},
    {1, 12, {{"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"may", 5}, {"jun", 6}, {"jul", 7}, {"aug", 8},
             {"sep", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12}}},
    {0, 6, {{"sun", 0}, {"mon", 1}, {"tue", 2}, {"wed", 3}, {"thu", 4}, {"fri", 5}, {"sat", 6}}},
}};

// A 6-field spec as robfig/cron v1.2.0 reads it: a bit set per field, and whether a '*' was seen.
struct Spec {
    std::array<std::uint64_t, 6> bits{};
    std::array<bool, 6> star{};
};

int value(const std::string& t, const Bounds& b) {
    std::string lower;
    for (char c : t) lower += static_cast<char>(c | 0x20);
    const auto it = b.names.find(lower);
    return it != b.names.end() ? it->second : std::stoi(t);
}

Spec robfig_spec(const std::string& six) {
    std::istringstream in(six);
    Spec s;
    for (std::size_t f = 0; f < 6; ++f) {
        std::string field;
        REQUIRE(static_cast<bool>(in >> field));
        std::istringstream items(field);
        for (std::string item; std::getline(items, item, ',');) {
            const auto slash = item.find('/');
            const std::string range = item.substr(0, slash);
            const int step = slash == std::string::npos ? 1 : std::stoi(item.substr(slash + 1));
            int lo = kBounds[f].min, hi = kBounds[f].max;
            if (range == "*") {
                s.star[f] = true;
            } else if (const auto dash = range.find('-'); dash != std::string::npos) {
                lo = value(range.substr(0, dash), kBounds[f]);
                hi = value(range.substr(dash + 1), kBounds[f]);
            } else {
                lo = value(range, kBounds[f]);
                if (slash == std::string::npos) hi = lo;  // "N/step" is N to the maximum
            }
            REQUIRE(lo >= kBounds[f].min);
            REQUIRE(hi <= kBounds[f].max);
            for (int v = lo; v <= hi; v += step) s.bits[f] |= 1ULL << v;
        }
    }
    return s;
}

// Howard Hinnant's civil_from_days: the date of a day counted from 1970-01-01.
std::array<int, 3> civil(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int>(yoe + era * 400 + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

constexpr std::int64_t kFirstDay = 19358;  // 2023-01-01
constexpr std::int64_t kLastDay = 21914;   // 2029-12-31

// The minutes (since the epoch, UTC) at which the spec fires on a clock `offset` minutes ahead of
// UTC, within the middle of the window (its edges lose runs that moved out of it).
std::vector<std::int64_t> instants(const Spec& s, int offset) {
    std::vector<std::int64_t> out;
    for (std::int64_t day = kFirstDay; day <= kLastDay; ++day) {
        const auto [y, month, dom] = civil(day);
        const int dow = static_cast<int>((day + 4) % 7);  // 1970-01-01 was a Thursday
        if (!(s.bits[4] >> month & 1)) continue;
        const bool dom_match = s.bits[3] >> dom & 1, dow_match = s.bits[5] >> dow & 1;
        // spec.go dayMatches: a '*' in either day field means both must match.
        if (!((s.star[3] || s.star[5]) ? dom_match && dow_match : dom_match || dow_match)) continue;
        for (int h = 0; h < 24; ++h) {
            for (int m = 0; m < 60; ++m) {
                if (!(s.bits[2] >> h & 1) || !(s.bits[1] >> m & 1)) continue;
                const std::int64_t t = day * 1440 + h * 60 + m - offset;
                if (t >= (kFirstDay + 3) * 1440 && t < (kLastDay - 2) * 1440) out.push_back(t);
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

template <std::size_t N>
const char* pick(std::mt19937& rng, const std::array<const char*, N>& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, N - 1)(rng)];
}

}  // namespace

TEST_CASE("deploy: a moved cron fires at the same instants, or the move is refused", "[deploy][cron]") {
    std::mt19937 rng(20260101);
    const std::array<const char*, 7> minutes{"0", "30", "0,30", "*/15", "5-7", "45", "59"};
    const std::array<const char*, 10> hours{"6", "0", "23", "*", "6,12", "9-17", "*/6", "21-23", "0-2", "12"};
    const std::array<const char*, 10> doms{"*", "*", "1", "15", "2-28", "28", "31", "1,15", "*/2", "10-20"};
    const std::array<const char*, 6> months{"*", "*", "*", "1", "6-8", "jan,jul"};
    const std::array<const char*, 8> dows{"*", "*", "1-5", "0", "6", "MON", "sat,sun", "*/2"};
    // Minutes the controller's clock is ahead: Tokyo, Kolkata, Kathmandu, Chatham to UTC, UTC to
    // Tokyo, Sao Paulo to UTC, and the 25 hours between Kiritimati and Pago Pago.
    const std::array<int, 9> shifts{-540, -330, -345, -765, 540, 180, -60, 1500, -1500};
    int moved = 0, refused = 0;
    for (int i = 0; i < 120; ++i) {
        const std::string cron = std::string(pick(rng, minutes)) + " " + pick(rng, hours) + " " + pick(rng, doms) +
                                 " " + pick(rng, months) + " " + pick(rng, dows);
        const auto before = robfig_spec("0 " + cron);
        for (int shift : shifts) {
            std::string out;
            try {
                out = shift_cron(cron, {"A", "B", shift});
            } catch (const pipecc::Error&) {
                ++refused;
                continue;
            }
            ++moved;
            INFO(cron << " moved by " << shift << " minutes: " << out);
            CHECK(instants(robfig_spec("0 " + out), shift) == instants(before, 0));
        }
    }
    // Both outcomes must occur, or the check above says little.
    CHECK(moved > 300);
    CHECK(refused > 100);
}

TEST_CASE("deploy: an unshifted cron keeps its text, and a bad one is refused", "[deploy][cron]") {
    CHECK(shift_cron("*/15 9-17 * JAN-jun mon-FRI", {"A", "A", 0}) == "*/15 9-17 * JAN-jun mon-FRI");
    CHECK_THROWS_WITH(shift_cron("0 6 * * ?", {"A", "A", 0}), Catch::Contains("day-of-week field '?'"));
    CHECK_THROWS_WITH(shift_cron("0 6 0 * *", {"A", "A", 0}), Catch::Contains("values must lie from 1 to 31"));
    CHECK_THROWS_WITH(shift_cron("0 6 * * 5-1", {"A", "A", 0}), Catch::Contains("is reversed"));
    CHECK_THROWS_WITH(shift_cron("*/0 6 * * *", {"A", "A", 0}), Catch::Contains("the step must be"));
    CHECK_THROWS_WITH(shift_cron("0 6 1,,2 * *", {"A", "A", 0}), Catch::Contains("'' is not a number"));
}

}  // namespace deploy_cron_shift_test
