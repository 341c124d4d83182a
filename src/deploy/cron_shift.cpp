#include "deploy/cron_shift.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "pipecc/error.hpp"

namespace pipecc::deploy {
namespace {

struct FieldRule {
    const char* name;
    int min;
    int max;
    std::array<std::string_view, 12> names{};  // matched case-insensitively, as robfig/cron lowercases
};

const FieldRule kMinute{"minute", 0, 59};
const FieldRule kHour{"hour", 0, 23};
const FieldRule kDom{"day-of-month", 1, 31};
const FieldRule kMonth{"month", 1, 12,
                       {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}};
const FieldRule kDow{"day-of-week", 0, 6, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}};

std::uint64_t span(int lo, int hi) { return (hi >= 63 ? ~0ULL : (1ULL << (hi + 1)) - 1) & ~((1ULL << lo) - 1); }

// A field's values as bits, and whether an item starts with '*': with robfig/cron (spec.go,
// dayMatches at v1.2.0) as in Vixie cron, a '*' day field makes the two day fields match together
// (AND), else either one (OR).
struct Field {
    std::string text;
    std::uint64_t values = 0;
    bool star = false;
    bool full(const FieldRule& r) const { return values == span(r.min, r.max); }
};

class FieldParser {
public:
    FieldParser(std::string_view cron, std::string_view text, const FieldRule& rule)
        : cron_(cron), text_(text), rule_(rule) {}

    Field parse() {
        Field f{std::string(text_)};
        std::size_t start = 0;
        while (start <= text_.size()) {
            const std::size_t comma = std::min(text_.find(',', start), text_.size());
            item(text_.substr(start, comma - start), f);
            start = comma + 1;
        }
        return f;
    }

private:
    void item(std::string_view item, Field& f) {
        int step = 1;
        if (const auto slash = item.find('/'); slash != std::string_view::npos) {
            step = number(item.substr(slash + 1), false);
            if (step < 1 || step > rule_.max) fail("the step must be a number from 1 to " + std::to_string(rule_.max));
            item = item.substr(0, slash);
        }
        int lo = rule_.min, hi = rule_.max;
        if (item == "*") {
            f.star = true;
        } else {
            const auto dash = item.find('-');
            lo = number(item.substr(0, dash), true);
            // "N/step" is N to the end, by step (robfig/cron's getRange, and cronie).
            hi = dash != std::string_view::npos ? number(item.substr(dash + 1), true) : step > 1 ? rule_.max : lo;
            if (lo > hi) fail("the range '" + std::string(item) + "' is reversed");
            if (lo < rule_.min || hi > rule_.max) {
                fail("values must lie from " + std::to_string(rule_.min) + " to " + std::to_string(rule_.max));
            }
        }
        for (int v = lo; v <= hi; v += step) f.values |= 1ULL << v;
    }

    int number(std::string_view t, bool names) {
        if (!t.empty() && t.size() <= 3 && t.find_first_not_of("0123456789") == std::string_view::npos) {
            int v = 0;
            for (char c : t) v = v * 10 + (c - '0');
            return v;
        }
        for (std::size_t i = 0; names && t.size() == 3 && i < rule_.names.size() && !rule_.names[i].empty(); ++i) {
            bool same = true;
            for (std::size_t k = 0; k < 3; ++k) same = same && (t[k] | 0x20) == rule_.names[i][k];
            if (same) return rule_.min + static_cast<int>(i);
        }
        std::string why(1, '\'');  // appended: `"'" + std::string` trips GCC 12's false -Wrestrict
        why += t;
        fail(why + "' is not a number" + (names && !rule_.names[0].empty() ? " or a name" : ""));
    }

    [[noreturn]] void fail(const std::string& why) const {
        throw Error("cron '" + std::string(cron_) + "': " + rule_.name + " field '" + std::string(text_) + "': " + why);
    }

    std::string_view cron_;
    std::string_view text_;
    const FieldRule& rule_;
};

// "0-4", "21", "0,6-9,12", "1-27/2": runs of three or more as ranges, and a set that is every
// n-th value from its first to its last as a stepped range.
std::string render(std::uint64_t values, const FieldRule& r) {
    if (values == span(r.min, r.max)) return "*";
    const int first = std::countr_zero(values), last = 63 - std::countl_zero(values), count = std::popcount(values);
    if (count >= 3 && (last - first) % (count - 1) == 0 && (last - first) / (count - 1) > 1) {
        const int step = (last - first) / (count - 1);
        std::uint64_t stepped = 0;
        for (int v = first; v <= last; v += step) stepped |= 1ULL << v;
        if (stepped == values) return std::to_string(first) + "-" + std::to_string(last) + "/" + std::to_string(step);
    }
    std::string out;
    for (int v = r.min; v <= r.max;) {
        if (!(values >> v & 1)) {
            ++v;
            continue;
        }
        int end = v;
        while (end < r.max && (values >> (end + 1) & 1)) ++end;
        if (!out.empty()) out += ',';
        if (end - v >= 2) {
            out += std::to_string(v) + "-" + std::to_string(end);
        } else {
            out += std::to_string(v);
            if (end > v) (out += ',') += std::to_string(end);
        }
        v = end + 1;
    }
    return out;
}

std::string two_digits(int v) { return {static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)}; }

std::string clock(int minute_of_day) { return two_digits(minute_of_day / 60) + ":" + two_digits(minute_of_day % 60); }

std::string ordinal(int day) {
    const int last = day % 10;
    const char* suffix = day / 10 == 1 || last > 3 || last == 0 ? "th" : last == 1 ? "st" : last == 2 ? "nd" : "rd";
    return std::to_string(day) + suffix;
}

std::string day_word(int carry) {
    if (carry == 0) return "the same day";
    if (carry == 1 || carry == -1) return carry < 0 ? "the day before" : "the day after";
    return std::to_string(carry < 0 ? -carry : carry) + (carry < 0 ? " days before" : " days after");
}

class Shifter {
public:
    Shifter(std::string_view cron, const CronShift& shift) : cron_(cron), shift_(shift) {
        std::istringstream in{std::string(cron)};
        std::vector<std::string> parts;
        for (std::string p; in >> p;) parts.push_back(p);
        if (parts.size() != 5) throw Error("cron '" + std::string(cron) + "' is not a 5-field cron");
        const FieldRule* rules[] = {&kMinute, &kHour, &kDom, &kMonth, &kDow};
        for (int i = 0; i < 5; ++i) f_[i] = FieldParser(cron, parts[i], *rules[i]).parse();
    }

    std::string run() {
        Field& minute = f_[0];
        Field& hour = f_[1];
        // Every (hour, minute) it fires at, as the other clock reads it, and the day it falls on.
        std::set<std::pair<int, int>> moved;
        std::set<int> carries;
        std::uint64_t hours = 0, minutes = 0;
        for (int h = 0; h < 24; ++h) {
            for (int m = 0; m < 60; ++m) {
                if (!(hour.values >> h & 1) || !(minute.values >> m & 1)) continue;
                const int t = h * 60 + m + shift_.minutes;
                // Zones are up to 26 hours apart (UTC-12 to UTC+14): up to two days.
                const int carry = t >= 0 ? t / 1440 : -((1439 - t) / 1440);
                const int r = t - carry * 1440;
                moved.emplace(r / 60, r % 60);
                carries.insert(carry);
                hours |= 1ULL << (r / 60);
                minutes |= 1ULL << (r % 60);
                if (examples_.size() < 4) examples_.push_back({h * 60 + m, r, carry});
                ++fires_;
            }
        }
        if (moved.size() != static_cast<std::size_t>(std::popcount(hours) * std::popcount(minutes))) {
            refuse("it fires at " + times() +
                   ": not every combination of one set of minutes and one set of hours, which is all a cron line "
                   "can give");
        }
        if (minutes != minute.values) minute.text = render(minutes, kMinute);
        if (hours != hour.values) hour.text = render(hours, kHour);
        move_days(carries);
        return f_[0].text + " " + f_[1].text + " " + f_[2].text + " " + f_[3].text + " " + f_[4].text;
    }

private:
    void move_days(const std::set<int>& carries) {
        Field& dom = f_[2];
        Field& month = f_[3];
        Field& dow = f_[4];
        const bool any_star = dom.star || dow.star;
        const bool every_day = any_star ? dom.full(kDom) && dow.full(kDow) : dom.full(kDom) || dow.full(kDow);
        if (every_day && month.full(kMonth)) return;
        if (carries.size() > 1) {
            refuse("it fires at " + times() + "; with its days restricted ('" + dom.text + " " + month.text + " " +
                   dow.text + "'), one cron line cannot give each hour its own day");
        }
        const int carry = *carries.begin();
        if (carry == 0) return;
        // Days of month that stay inside their month (checked below) keep a month list exact.
        const bool days_by_dom_only = dow.full(kDow) && any_star && !dom.full(kDom);
        if (!month.full(kMonth) && !days_by_dom_only) {
            refuse("it fires at " + times() + ", so runs on the " +
                   (carry < 0 ? "first" : "last") + " day of a month in '" + month.text +
                   "' would fall in another month");
        }
        if (!dom.full(kDom)) {
            for (int d = kDom.min; d <= kDom.max; ++d) {
                if (!(dom.values >> d & 1)) continue;
                if (d + carry < 1) {
                    refuse("day-of-month " + std::to_string(d) + " would move into the month before, whose last day "
                           "is the 28th to the 31st by month; use days from " + std::to_string(1 - carry) + " to 28");
                }
                if (carry < 0 && d > 28) {
                    refuse("day-of-month " + std::to_string(d) + " would become " + std::to_string(d + carry) +
                           ", which would also fire in months that have no " + ordinal(d) + "; use days from " +
                           std::to_string(1 - carry) + " to 28");
                }
                if (carry > 0 && d + carry > 28) {
                    refuse("day-of-month " + std::to_string(d) + " moves to " + day_word(carry) +
                           " there, which in a month that ends on the " + ordinal(std::max(d, 28)) +
                           " is in the next month; use days from 1 to " +
                           std::to_string(28 - carry));
                }
            }
            dom.text = render(carry < 0 ? dom.values >> -carry : dom.values << carry, kDom);
        }
        if (!dow.full(kDow)) {
            std::uint64_t moved = 0;
            for (int d = 0; d < 7; ++d) {
                if (dow.values >> d & 1) moved |= 1ULL << ((d + carry + 14) % 7);
            }
            dow.text = render(moved, kDow);
        }
        // A list loses the '*' that made the two day fields match together.
        const bool star_after = (dom.full(kDom) && dom.star) || (dow.full(kDow) && dow.star);
        if (star_after != any_star) {
            refuse("a day field that starts with '*' ('" + std::string(dom.star ? "day-of-month " : "day-of-week ") +
                   (dom.star ? dom.text : dow.text) +
                   "') makes cron match both day fields, and written as a list it would match either; write its days "
                   "as a list");
        }
    }

    // "06:00 and 12:00 in Asia/Tokyo, which are 21:00 the day before and 03:00 the same day in UTC"
    std::string times() const {
        std::string from, to;
        for (std::size_t i = 0; i < examples_.size(); ++i) {
            const char* sep = i == 0 ? "" : i + 1 == examples_.size() && fires_ == examples_.size() ? " and " : ", ";
            from += sep + clock(examples_[i].from);
            to += sep + clock(examples_[i].to) + " " + day_word(examples_[i].carry);
        }
        const char* more = fires_ > examples_.size() ? ", ..." : "";
        return from + more + " in " + shift_.from_zone + ", which " + (examples_.size() == 1 ? "is " : "are ") + to +
               more + " in " + shift_.to_zone;
    }

    [[noreturn]] void refuse(const std::string& why) const {
        throw Error("cron '" + std::string(cron_) + "' in " + shift_.from_zone +
                    " cannot be written as one cron line in " + shift_.to_zone + ": " + why +
                    ". Change the schedule (--cron), or run the controller in " + shift_.from_zone +
                    " (its CRON_SCHEDULE_TIMEZONE) and pass --controller-zone " + shift_.from_zone);
    }

    struct Example {
        int from;
        int to;
        int carry;
    };

    std::string_view cron_;
    const CronShift& shift_;
    std::array<Field, 5> f_{};
    std::vector<Example> examples_{};  // the first few times it fires at, for messages
    std::size_t fires_ = 0;
};

}  // namespace

std::string shift_cron(std::string_view cron, const CronShift& shift) { return Shifter(cron, shift).run(); }

}  // namespace pipecc::deploy
