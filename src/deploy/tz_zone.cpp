#include "deploy/tz_zone.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "pipecc/error.hpp"

namespace pipecc::deploy {
namespace {

bool is_utc_name(std::string_view name) { return name.empty() || name == "UTC" || name == "Etc/UTC"; }

// The name must stay inside the database: it becomes a path.
bool zone_shaped(std::string_view name) {
    if (name.front() == '/' || name.find("..") != std::string_view::npos) return false;
    for (char c : name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
                        c == '_' || c == '+' || c == '-';
        if (!ok) return false;
    }
    return true;
}

class PosixReader {
public:
    explicit PosixReader(std::string_view tz) : tz_(tz) {}

    bool done() const { return at_ == tz_.size(); }
    char peek() const { return done() ? '\0' : tz_[at_]; }

    // `<...>` or three or more letters.
    void name() {
        if (peek() == '<') {
            const auto end = tz_.find('>', at_);
            if (end == std::string_view::npos) fail("an unclosed '<'");
            at_ = end + 1;
            return;
        }
        const auto start = at_;
        while ((peek() >= 'A' && peek() <= 'Z') || (peek() >= 'a' && peek() <= 'z')) ++at_;
        if (at_ - start < 3) fail("a zone abbreviation");
    }

    // [+-]hh[:mm[:ss]], hours west of UTC; returned as seconds east.
    int offset() {
        int sign = -1;
        if (peek() == '+' || peek() == '-') sign = tz_[at_++] == '-' ? 1 : -1;
        int seconds = number(0, 24) * 3600;
        if (peek() == ':') {
            ++at_;
            seconds += number(0, 59) * 60;
            if (peek() == ':') {
                ++at_;
                seconds += number(0, 59);
            }
        }
        return sign * seconds;
    }

    [[noreturn]] void fail(const char* what) const {
        throw Error("time zone rule '" + std::string(tz_) + "' is not a POSIX TZ string (expected " + what +
                    " at character " + std::to_string(at_ + 1) + ")");
    }

private:
    int number(int min, int max) {
        const auto start = at_;
        int v = 0;
        while (peek() >= '0' && peek() <= '9' && at_ - start < 3) v = v * 10 + (tz_[at_++] - '0');
        if (at_ == start || v < min || v > max) fail("a number");
        return v;
    }

    std::string_view tz_;
    std::size_t at_ = 0;
};

std::uint64_t big_endian(std::string_view data, std::size_t at, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = v << 8 | static_cast<unsigned char>(data[at + i]);
    return v;
}

struct TzifCounts {
    std::size_t isut, isstd, leap, time, type, chars;
    std::size_t block(int time_bytes) const {
        return time * time_bytes + time + type * 6 + chars + leap * (time_bytes + 4) + isstd + isut;
    }
};

TzifCounts counts_at(std::string_view data, std::size_t at) {
    TzifCounts c{};
    std::size_t* fields[] = {&c.isut, &c.isstd, &c.leap, &c.time, &c.type, &c.chars};
    for (int i = 0; i < 6; ++i) *fields[i] = big_endian(data, at + 20 + 4 * i, 4);
    return c;
}

// The version 2+ part of a TZif file: its 64-bit transitions and the footer after them.
void read_tzif(TzZone& z, const std::string& path) {
    const std::string_view data = z.data;
    const auto bad = [&](const char* why) { return Error("tz database file " + path + " is not usable: " + why); };
    if (data.size() < 44 || data.substr(0, 4) != "TZif") throw bad("not a TZif file");
    if (data[4] < '2') throw bad("a version 1 TZif file has no POSIX TZ footer");
    const std::size_t second = 44 + counts_at(data, 0).block(4);
    if (data.size() < second + 44 || data.substr(second, 4) != "TZif") throw bad("truncated");
    const TzifCounts c = counts_at(data, second);
    const std::size_t times = second + 44, types = times + c.time * 9, footer = second + 44 + c.block(8);
    if (data.size() < footer + 2 || data[footer] != '\n' || data.back() != '\n') throw bad("truncated");
    for (std::size_t i = 0; i < c.time; ++i) {
        const auto type = static_cast<unsigned char>(data[times + c.time * 8 + i]);
        if (type >= c.type) throw bad("a transition to a missing time type");
        const auto when = static_cast<std::int64_t>(big_endian(data, times + 8 * i, 8));
        const auto offset = static_cast<std::int32_t>(big_endian(data, types + 6 * type, 4));
        z.transitions.emplace_back(when, offset);
    }
    z.footer = std::string(data.substr(footer + 1, data.size() - footer - 2));
    if (z.footer.empty()) throw bad("its POSIX TZ footer is empty, so local time after the last transition is unknown");
    z.offsets = parse_posix_tz(z.footer);
}

}  // namespace

PosixTz parse_posix_tz(std::string_view tz) {
    PosixReader r(tz);
    PosixTz out;
    r.name();
    out.standard = r.offset();
    if (r.done()) return out;
    r.name();
    // Without its own offset, daylight saving time is an hour ahead of standard time.
    const char c = r.peek();
    out.daylight = (c == '+' || c == '-' || (c >= '0' && c <= '9')) ? r.offset() : out.standard + 3600;
    if (!r.done() && r.peek() != ',') r.fail("',' before the rule");
    return out;
}

TzZone read_tz_zone(std::string_view name) {
    TzZone z{std::string(name)};
    if (is_utc_name(name)) {
        z.footer = "UTC0";
        return z;
    }
    if (!zone_shaped(name)) throw Error("'" + std::string(name) + "' is not an IANA time zone name");
    namespace fs = std::filesystem;
    const char* tzdir = std::getenv("TZDIR");
    const fs::path path = (tzdir && *tzdir ? fs::path(tzdir) : fs::path("/usr/share/zoneinfo")) / z.name;
    std::error_code ec;
    std::ifstream in(path, std::ios::binary);
    if (!fs::is_regular_file(path, ec) || !in) {
        throw Error("unknown time zone '" + z.name + "' (no file " + path.string() +
                    "; install tzdata or set TZDIR)");
    }
    z.data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    read_tzif(z, path.string());
    return z;
}

bool offset_changes(const TzZone& zone, std::int64_t now) {
    if (zone.offsets.daylight && *zone.offsets.daylight != zone.offsets.standard) return true;
    // The offset in effect now, those of transitions still ahead, and the footer's after them.
    std::set<int> ahead{zone.offsets.standard};
    std::optional<int> current;
    for (const auto& [when, offset] : zone.transitions) {
        if (when <= now) {
            current = offset;
        } else {
            ahead.insert(offset);
        }
    }
    if (current) ahead.insert(*current);
    return ahead.size() > 1;
}

std::string utc_offset_text(int seconds_east) {
    const int a = seconds_east < 0 ? -seconds_east : seconds_east;
    std::string out = seconds_east < 0 ? "UTC-" : "UTC+";
    // Appended piece by piece: `":" + std::string` trips GCC 12's false -Wrestrict.
    const auto two = [&out](int v) {
        out += static_cast<char>('0' + v / 10);
        out += static_cast<char>('0' + v % 10);
    };
    two(a / 3600);
    out += ':';
    two(a / 60 % 60);
    if (a % 60 != 0) {
        out += ':';
        two(a % 60);
    }
    return out;
}

}  // namespace pipecc::deploy
