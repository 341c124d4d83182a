#include "pipecc/graph/time_format.hpp"

#include <cstdlib>
#include <filesystem>

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

bool is_utc(std::string_view zone) { return zone.empty() || zone == "UTC" || zone == "Etc/UTC"; }

std::optional<std::string> check_time_zone(std::string_view zone) {
    if (is_utc(zone)) return std::nullopt;
    const bool shaped = zone.front() != '/' && zone.find("..") == std::string_view::npos &&
                        zone.find_first_of(" \t\n'\"\\$`") == std::string_view::npos;
    if (!shaped) return "'" + std::string(zone) + "' is not an IANA time zone name";
    namespace fs = std::filesystem;
    const char* tzdir = std::getenv("TZDIR");
    const fs::path db = tzdir && *tzdir ? fs::path(tzdir) : fs::path("/usr/share/zoneinfo");
    std::error_code ec;
    if (!fs::is_directory(db, ec)) {
        return "cannot check time zone '" + std::string(zone) + "': no tz database at " + db.string() +
               " (install tzdata or set TZDIR)";
    }
    if (!fs::is_regular_file(db / std::string(zone), ec)) {
        return "unknown time zone '" + std::string(zone) + "' (not in the tz database at " + db.string() + ")";
    }
    return std::nullopt;
}

}  // namespace pipecc::graph
