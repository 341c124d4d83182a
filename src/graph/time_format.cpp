#include "pipecc/graph/time_format.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace pipecc::graph {

std::optional<std::string> parse_time_format(std::string_view format, std::vector<FormatPiece>& pieces) {
    pieces.clear();
    if (format.empty()) return "the time format is empty";
    if (format.find("{{") != std::string_view::npos || format.find("}}") != std::string_view::npos) {
        return "the time format contains '{{' or '}}', which engines read as placeholders";
    }
    for (std::size_t i = 0; i < format.size(); ++i) {
        const char c = format[i];
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return "the time format contains a control character";
        }
        if (c != '%') {
            if (pieces.empty() || pieces.back().directive) pieces.push_back({});
            pieces.back().text += c;
            continue;
        }
        if (i + 1 == format.size()) return "the time format ends with a lone '%'";
        const char d = format[++i];
        if (d == '%') {
            if (pieces.empty() || pieces.back().directive) pieces.push_back({});
            pieces.back().text += '%';
        } else if (kTimeDirectives.find(d) != std::string_view::npos) {
            pieces.push_back({d, {}});
        } else {
            std::string supported;
            for (char s : kTimeDirectives) supported += std::string(supported.empty() ? "" : " ") + '%' + s;
            return std::string("strftime directive %") + d +
                   " has no lowering on every engine; supported: " + supported + " and %%";
        }
    }
    return std::nullopt;
}

std::string_view go_layout(char directive) {
    switch (directive) {
        case 'Y': return "2006";
        case 'y': return "06";
        case 'm': return "01";
        case 'd': return "02";
        case 'H': return "15";
        case 'I': return "03";
        case 'M': return "04";
        case 'S': return "05";
        case 'p': return "PM";
        case 'a': return "Mon";
        case 'A': return "Monday";
        case 'b': return "Jan";
        case 'B': return "January";
        case 'Z': return "MST";
        case 'z': return "-0700";
        default: return {};
    }
}

namespace {

struct CronField {
    const char* name;
    int min;
    int max;
    std::string_view names[12];  // JAN..DEC or SUN..SAT, matched case-insensitively
    std::string_view note{};     // appended to a range error
};

std::optional<int> cron_number(std::string_view text, const CronField& f) {
    if (text.empty() || text.size() > 3) return std::nullopt;
    if (std::isdigit(static_cast<unsigned char>(text[0]))) {
        int v = 0;
        for (char c : text) {
            if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
            v = v * 10 + (c - '0');
        }
        return v;
    }
    for (int i = 0; i < 12 && !f.names[i].empty(); ++i) {
        bool same = text.size() == 3;
        for (std::size_t k = 0; same && k < 3; ++k) {
            same = std::toupper(static_cast<unsigned char>(text[k])) == f.names[i][k];
        }
        if (same) return f.min + i;
    }
    return std::nullopt;
}

std::optional<std::string> check_cron_field(std::string_view field, const CronField& f) {
    const std::string where = std::string("cron ") + f.name + " field '" + std::string(field) + "'";
    std::size_t start = 0;
    while (start <= field.size()) {
        const std::size_t comma = std::min(field.find(',', start), field.size());
        std::string_view item = field.substr(start, comma - start);
        std::string_view step;
        if (auto slash = item.find('/'); slash != std::string_view::npos) {
            step = item.substr(slash + 1);
            item = item.substr(0, slash);
            auto n = cron_number(step, CronField{f.name, 1, f.max, {}});
            if (!n || *n < 1 || *n > f.max) return where + ": the step must be a number from 1 to " + std::to_string(f.max);
        }
        if (item != "*") {
            const std::size_t dash = item.find('-');
            auto lo = cron_number(item.substr(0, dash), f);
            auto hi = dash == std::string_view::npos ? lo : cron_number(item.substr(dash + 1), f);
            if (!lo || !hi) return where + ": '" + std::string(item) + "' is not a value or range";
            if (*lo > *hi) return where + ": the range '" + std::string(item) + "' is reversed";
            if (*lo < f.min || *hi > f.max) {
                return where + ": values must lie from " + std::to_string(f.min) + " to " + std::to_string(f.max) +
                       std::string(f.note);
            }
        }
        start = comma + 1;
    }
    return std::nullopt;
}

// The whitespace-separated fields, as Go's strings.Fields splits them (Argo's and KFP's cron
// parsers do).
std::vector<std::string_view> cron_fields(std::string_view cron) {
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
    std::vector<std::string_view> parts;
    std::size_t i = 0;
    while (i < cron.size()) {
        while (i < cron.size() && space(cron[i])) ++i;
        const std::size_t start = i;
        while (i < cron.size() && !space(cron[i])) ++i;
        if (i > start) parts.push_back(cron.substr(start, i - start));
    }
    return parts;
}

}  // namespace

std::optional<std::string> check_cron(std::string_view cron) {
    static const CronField fields[5] = {
        {"minute", 0, 59, {}},
        {"hour", 0, 23, {}},
        {"day-of-month", 1, 31, {}},
        {"month", 1, 12, {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
        // robfig/cron, which parses schedules in Argo (v3.0.1) and KFP (v1.2.0), has no 7 for Sunday
        // (spec.go `dow = bounds{0, 6, …}` at both tags).
        {"day-of-week", 0, 6, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"},
         " (Argo's and KFP's cron parser has no 7: write 0 for Sunday)"},
    };
    const std::vector<std::string_view> parts = cron_fields(cron);
    if (parts.size() != 5) {
        return "cron schedule '" + std::string(cron) + "' has " + std::to_string(parts.size()) +
               " fields; pipecc takes the 5-field form 'minute hour day-of-month month day-of-week', e.g. '0 6 * * *'";
    }
    for (std::size_t k = 0; k < 5; ++k) {
        if (auto err = check_cron_field(parts[k], fields[k])) return "schedule '" + std::string(cron) + "': " + *err;
    }
    return std::nullopt;
}

std::string normalize_cron(std::string_view cron) {
    std::string out;
    for (std::string_view field : cron_fields(cron)) {
        if (!out.empty()) out += ' ';
        out += field;
    }
    return out;
}

bool is_utc(std::string_view zone) { return zone.empty() || zone == "UTC" || zone == "Etc/UTC"; }

std::optional<std::string> check_time_zone(std::string_view zone) {
    if (is_utc(zone)) return std::nullopt;
    const bool shaped = zone.front() != '/' && zone.find("..") == std::string_view::npos &&
                        zone.find_first_of(" \t\n'\"\\$`") == std::string_view::npos;
    if (!shaped) {
        std::string message = "'";  // (built by appends: `"'" + std::string` trips GCC 12's false -Wrestrict)
        message += zone;
        return message + "' is not an IANA time zone name";
    }
    namespace fs = std::filesystem;
    const char* tzdir = std::getenv("TZDIR");
    const fs::path db = tzdir && *tzdir ? fs::path(tzdir) : fs::path("/usr/share/zoneinfo");
    std::error_code ec;
    if (!fs::is_directory(db, ec)) {
        return "cannot check time zone '" + std::string(zone) + "': no tz database at " + db.string() +
               " (install tzdata or set TZDIR)";
    }
    // Only zone files start with the TZif magic; the database also holds tables such as zone.tab.
    char magic[4] = {};
    std::ifstream file(db / std::string(zone), std::ios::binary);
    if (!fs::is_regular_file(db / std::string(zone), ec) || !file.read(magic, 4) ||
        std::string_view(magic, 4) != "TZif") {
        return "unknown time zone '" + std::string(zone) + "' (not in the tz database at " + db.string() + ")";
    }
    return std::nullopt;
}

}  // namespace pipecc::graph
