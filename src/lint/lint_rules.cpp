// The lints. Each reads one kind of item of a LintSubject and says why the item is a problem
// and what to write instead.
#include "lint/lint_rules.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace pipecc {

const std::vector<LintRule>& lint_rules() {
    static const std::vector<LintRule> rules = {
        {"image-untagged", "an image with neither a tag nor a digest: it runs whatever :latest is that day"},
        {"image-latest", "an image tagged :latest: runs differ as the tag moves; pin a digest"},
        {"image-digest", "a malformed digest (sha256 needs 64 lower-case hex digits)"},
        {"image-uppercase", "upper case in an image's repository name, which registries refuse"},
        {"secret-literal", "an env value or argument that looks like a secret (a token, key or password)"},
        {"duplicate-display-name", "two tasks with the same display name, which the UIs cannot tell apart"},
        {"cron-never-fires", "a schedule whose day of month never occurs in its months (0 6 31 2 *)"},
        {"request-above-limit", "a CPU or memory request above its limit, which Kubernetes refuses"},
    };
    return rules;
}

namespace lint_detail {
namespace {

bool has_placeholder(const std::string& s) { return s.find("{{") != std::string::npos; }

// [registry/]path[:tag][@algorithm:hex], as the distribution reference grammar has it.
void lint_image(const LintSubject::Image& i, std::vector<LintFinding>& out, const std::set<std::string>& on) {
    if (i.image.empty() || has_placeholder(i.image)) return;
    const auto at = i.image.find('@');
    const std::string name = i.image.substr(0, at);
    const std::size_t last_slash = name.rfind('/');
    const std::size_t colon = name.find(':', last_slash == std::string::npos ? 0 : last_slash);
    const std::string repository = name.substr(0, colon);
    const std::string tag = colon == std::string::npos ? "" : name.substr(colon + 1);
    const auto add = [&](const char* id, const std::string& message) {
        if (on.count(id)) out.push_back({id, "image " + i.image + ": " + message, i.where});
    };
    if (at != std::string::npos) {
        static const std::regex sha256("sha256:[0-9a-f]{64}");
        static const std::regex other("(sha384:[0-9a-f]{96})|(sha512:[0-9a-f]{128})");
        const std::string digest = i.image.substr(at + 1);
        if (!std::regex_match(digest, sha256) && !std::regex_match(digest, other))
            add("image-digest", "the digest '" + digest + "' is not sha256: and 64 lower-case hex digits");
    } else if (tag.empty()) {
        add("image-untagged", "no tag or digest, so it runs whatever :latest is that day; pin it as image@sha256:...");
    } else if (tag == "latest") {
        add("image-latest", ":latest moves, so two runs may run different code; pin it as image@sha256:...");
    }
    // The registry host may have upper case (it is a DNS name); the path may not.
    const std::size_t first_slash = repository.find('/');
    const bool host = first_slash != std::string::npos &&
                      (repository.find_first_of(".:", 0) < first_slash || repository.compare(0, first_slash, "localhost") == 0);
    const std::string path = host ? repository.substr(first_slash + 1) : repository;
    if (std::any_of(path.begin(), path.end(), [](unsigned char c) { return std::isupper(c); }))
        add("image-uppercase", "the repository '" + path + "' has upper case, which registries refuse");
}

// Well-known token shapes, and credential-named env vars or flags with a literal value.
bool looks_like_secret(const LintSubject::Literal& l, std::string& why) {
    static const std::vector<std::pair<std::regex, const char*>> shapes = {
        {std::regex("gh[pousr]_[A-Za-z0-9]{30,}"), "a GitHub token"},
        {std::regex("github_pat_[A-Za-z0-9_]{40,}"), "a GitHub token"},
        {std::regex("xox[abposr]-[A-Za-z0-9-]{10,}"), "a Slack token"},
        {std::regex("https://hooks\\.slack\\.com/services/[A-Za-z0-9/]+"), "a Slack webhook URL"},
        {std::regex("(AKIA|ASIA)[0-9A-Z]{16}"), "an AWS access key id"},
        {std::regex("AIza[0-9A-Za-z_-]{35}"), "a Google API key"},
        {std::regex("sk-[A-Za-z0-9_-]{20,}"), "an API secret key"},
        {std::regex("-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"},
        {std::regex("://[^/:@\\s]+:[^/@\\s{}]+@"), "a password in a URL"},
    };
    for (const auto& [re, what] : shapes)
        if (std::regex_search(l.text, re)) {
            why = what;
            return true;
        }
    static const std::regex credential_name("(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY)", std::regex::icase);
    if (!l.env_name.empty() && !l.text.empty() && !has_placeholder(l.text) && std::regex_search(l.env_name, credential_name)) {
        why = "a literal value for " + l.env_name;
        return true;
    }
    static const std::regex flag("--?(password|passwd|secret|token|api[-_]?key)=(.+)", std::regex::icase);
    std::smatch m;
    if (std::regex_match(l.text, m, flag) && !has_placeholder(m[2].str())) {
        why = "a literal " + m[1].str();
        return true;
    }
    return false;
}

// The values a cron field allows, from min to max: numbers, ranges, steps, lists, names.
std::set<int> cron_values(const std::string& field, int min, int max, const std::vector<std::string>& names) {
    std::set<int> out;
    std::stringstream items(field);
    for (std::string item; std::getline(items, item, ',');) {
        int step = 1;
        if (const auto slash = item.find('/'); slash != std::string::npos) {
            step = std::max(1, std::atoi(item.c_str() + slash + 1));
            item = item.substr(0, slash);
        }
        const auto number = [&](std::string s) {
            for (std::size_t i = 0; i < names.size(); ++i) {
                std::string upper = s;
                std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
                if (upper == names[i]) return min + int(i);
            }
            return std::atoi(s.c_str());
        };
        int lo = min, hi = max;
        if (item != "*" && item != "?") {
            const auto dash = item.find('-');
            lo = number(item.substr(0, dash));
            hi = dash == std::string::npos ? (step > 1 ? max : lo) : number(item.substr(dash + 1));
        }
        for (int v = lo; v <= hi && v <= max; v += step) out.insert(v);
    }
    return out;
}

// A 5-field cron fires only if one of its days of month exists in one of its months; when
// both day fields are restricted, a day of the week is enough (cron's OR rule).
void lint_cron(const LintSubject::Cron& c, std::vector<LintFinding>& out) {
    std::stringstream in(c.cron);
    std::vector<std::string> f;
    for (std::string w; in >> w;) f.push_back(w);
    if (f.size() != 5 || f[0][0] == '@') return;
    if (f[4] != "*" && f[4] != "?") return;
    static const int days_in[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const auto days = cron_values(f[2], 1, 31, {});
    const auto months = cron_values(f[3], 1, 12, {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"});
    for (int m : months)
        for (int d : days)
            if (d <= days_in[m]) return;
    out.push_back({"cron-never-fires", "schedule '" + c.cron + "' never fires: no month it names has that day", c.where});
}

}  // namespace

double quantity(const std::string& text) {
    static const std::map<std::string, double> suffixes = {
        {"", 1},       {"m", 1e-3},   {"k", 1e3},    {"M", 1e6},    {"G", 1e9},    {"T", 1e12},   {"P", 1e15},
        {"E", 1e18},   {"Ki", 1024.0}, {"Mi", std::pow(1024.0, 2)}, {"Gi", std::pow(1024.0, 3)},
        {"Ti", std::pow(1024.0, 4)}, {"Pi", std::pow(1024.0, 5)}, {"Ei", std::pow(1024.0, 6)}};
    std::size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception&) {
        return -1;
    }
    const auto s = suffixes.find(text.substr(used));
    return s == suffixes.end() || v < 0 ? -1 : v * s->second;
}

std::vector<LintFinding> run_lints(const LintSubject& s, const std::vector<std::string>& disabled) {
    std::set<std::string> known, on;
    for (const auto& r : lint_rules()) known.insert(std::string(r.id));
    on = known;
    for (const auto& id : disabled) {
        if (!known.count(id)) {
            std::string list;
            for (const auto& r : lint_rules()) list += (list.empty() ? "" : ", ") + std::string(r.id);
            throw Error("--disable " + id + ": no such lint; the lints are " + list);
        }
        on.erase(id);
    }
    std::vector<LintFinding> out;
    for (const auto& i : s.images) lint_image(i, out, on);
    if (on.count("secret-literal"))
        for (const auto& l : s.literals) {
            std::string why;
            if (looks_like_secret(l, why))
                out.push_back({"secret-literal", l.what + " holds " + why + ": read it from a Kubernetes secret "
                                                                            "(env_from_secret) instead of the pipeline file",
                               l.where});
        }
    if (on.count("duplicate-display-name")) {
        std::map<std::pair<std::string, std::string>, const LintSubject::Named*> first;
        for (const auto& t : s.tasks) {
            const auto [it, fresh] = first.emplace(std::pair{t.scope, t.display_name}, &t);
            if (!fresh)
                out.push_back({"duplicate-display-name",
                               "display name '" + t.display_name + "' is also task '" + it->second->where.task +
                                   "''s; the UIs show the two alike",
                               t.where});
        }
    }
    if (on.count("cron-never-fires"))
        for (const auto& c : s.crons) lint_cron(c, out);
    if (on.count("request-above-limit"))
        for (const auto& r : s.resources) {
            const double request = quantity(r.request), limit = quantity(r.limit);
            if (request >= 0 && limit >= 0 && request > limit)
                out.push_back({"request-above-limit",
                               r.kind + " request " + r.request + " is above its limit " + r.limit + "; Kubernetes refuses the pod",
                               r.where});
        }
    return out;
}

}  // namespace lint_detail
}  // namespace pipecc
