// A recursive-descent evaluator for the CEL that KFP pipelines carry. It evaluates while it
// parses; the branch that `&&`, `||` or `?:` does not take is parsed with evaluation off, so a
// missing key there is no error (CEL short-circuits the same way).
#include "run/cel.hpp"

#include <cctype>
#include <cmath>
#include <cstring>

#include "pipecc/error.hpp"

namespace pipecc::run {
namespace {

using nlohmann::json;

class Evaluator {
public:
    Evaluator(const std::string& text, const json& variables) : text_(text), vars_(variables) {}

    json run() {
        json v = ternary(true);
        skip_space();
        if (pos_ != text_.size()) fail("unexpected '" + text_.substr(pos_, 1) + "'");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& why) const {
        throw Error("CEL expression \"" + text_ + "\": " + why + " (at offset " + std::to_string(pos_) + ")");
    }

    void skip_space() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    bool eat(const std::string& token) {
        skip_space();
        if (text_.compare(pos_, token.size(), token) != 0) return false;
        // `in` is a keyword only as a whole word.
        if (std::isalpha(static_cast<unsigned char>(token[0])) && pos_ + token.size() < text_.size() &&
            (std::isalnum(static_cast<unsigned char>(text_[pos_ + token.size()])) || text_[pos_ + token.size()] == '_'))
            return false;
        pos_ += token.size();
        return true;
    }
    void expect(const std::string& token) {
        if (!eat(token)) fail("expected '" + token + "'");
    }

    static bool truthy(const json& v, const Evaluator& self) {
        if (!v.is_boolean()) self.fail("expected a bool, got " + v.dump());
        return v.get<bool>();
    }

    json ternary(bool live) {
        json cond = or_expr(live);
        if (!eat("?")) return cond;
        const bool take = live && truthy(cond, *this);
        json a = ternary(live && take);
        expect(":");
        json b = ternary(live && !take);
        return !live ? json() : take ? a : b;
    }
    json or_expr(bool live) {
        json v = and_expr(live);
        while (eat("||")) {
            const bool done = live && truthy(v, *this);
            json rhs = and_expr(live && !done);
            if (live && !done) v = truthy(rhs, *this);
        }
        return v;
    }
    json and_expr(bool live) {
        json v = relation(live);
        while (eat("&&")) {
            const bool done = live && !truthy(v, *this);
            json rhs = relation(live && !done);
            if (live && !done) v = truthy(rhs, *this);
        }
        return v;
    }

    static bool numeric(const json& v) { return v.is_number(); }
    int compare(const json& a, const json& b) const {
        if (numeric(a) && numeric(b)) {
            const double x = a.get<double>(), y = b.get<double>();
            return x < y ? -1 : x > y ? 1 : 0;
        }
        if (a.is_string() && b.is_string()) return a.get<std::string>().compare(b.get<std::string>());
        if (a.is_boolean() && b.is_boolean()) return int(a.get<bool>()) - int(b.get<bool>());
        fail("cannot compare " + a.dump() + " with " + b.dump());
    }
    static bool equal(const json& a, const json& b) {
        if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
        return a == b;
    }

    json relation(bool live) {
        json v = additive(live);
        for (;;) {
            std::string op;
            for (const char* candidate : {"==", "!=", "<=", ">=", "<", ">", "in"})
                if (eat(candidate)) {
                    op = candidate;
                    break;
                }
            if (op.empty()) return v;
            json rhs = additive(live);
            if (!live) continue;
            if (op == "==") v = equal(v, rhs);
            else if (op == "!=") v = !equal(v, rhs);
            else if (op == "in") {
                bool found = false;
                if (rhs.is_array()) {
                    for (const auto& e : rhs) found = found || equal(v, e);
                } else if (rhs.is_object() && v.is_string()) {
                    found = rhs.contains(v.get<std::string>());
                } else {
                    fail("'in' needs a list or map on its right, got " + rhs.dump());
                }
                v = found;
            } else {
                const int c = compare(v, rhs);
                v = op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0;
            }
        }
    }

    json arithmetic(const std::string& op, const json& a, const json& b) const {
        if (op == "+" && a.is_string() && b.is_string()) return a.get<std::string>() + b.get<std::string>();
        if (op == "+" && a.is_array() && b.is_array()) {
            json out = a;
            for (const auto& e : b) out.push_back(e);
            return out;
        }
        if (!numeric(a) || !numeric(b)) fail("'" + op + "' needs numbers, got " + a.dump() + " and " + b.dump());
        if (a.is_number_integer() && b.is_number_integer()) {
            const auto x = a.get<std::int64_t>(), y = b.get<std::int64_t>();
            if ((op == "/" || op == "%") && y == 0) fail("division by zero");
            return op == "+" ? x + y : op == "-" ? x - y : op == "*" ? x * y : op == "/" ? x / y : x % y;
        }
        const double x = a.get<double>(), y = b.get<double>();
        if (op == "%") fail("'%' needs integers");
        return op == "+" ? x + y : op == "-" ? x - y : op == "*" ? x * y : x / y;
    }
    // A left-associative level of arithmetic: operands from `next`, operators from `ops`.
    template <class Next>
    json binary_level(bool live, const char* ops, Next next) {
        json v = (this->*next)(live);
        for (;;) {
            skip_space();
            if (pos_ >= text_.size() || !std::strchr(ops, text_[pos_])) return v;
            const std::string op(1, text_[pos_++]);
            json rhs = (this->*next)(live);
            if (live) v = arithmetic(op, v, rhs);
        }
    }
    json additive(bool live) { return binary_level(live, "+-", &Evaluator::multiplicative); }
    json multiplicative(bool live) { return binary_level(live, "*/%", &Evaluator::unary); }
    json unary(bool live) {
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == '!' && text_.compare(pos_, 2, "!=") != 0) {
            ++pos_;
            json v = unary(live);
            return live ? json(!truthy(v, *this)) : json();
        }
        if (pos_ < text_.size() && text_[pos_] == '-') {
            ++pos_;
            json v = unary(live);
            if (!live) return json();
            if (v.is_number_integer()) return -v.get<std::int64_t>();
            if (v.is_number()) return -v.get<double>();
            fail("'-' needs a number, got " + v.dump());
        }
        return postfix(live);
    }

    json postfix(bool live) {
        json v = primary(live);
        for (;;) {
            if (eat(".")) {
                const std::string field = identifier();
                if (live) v = member(v, field);
            } else if (eat("[")) {
                json key = ternary(live);
                expect("]");
                if (!live) continue;
                if (v.is_array() && key.is_number_integer()) {
                    const auto i = key.get<std::int64_t>();
                    if (i < 0 || i >= std::int64_t(v.size())) fail("index " + std::to_string(i) + " out of range");
                    v = json(v[std::size_t(i)]);
                } else if (key.is_string()) {
                    v = member(v, key.get<std::string>());
                } else {
                    fail("cannot index " + v.dump() + " with " + key.dump());
                }
            } else {
                return v;
            }
        }
    }
    json member(const json& v, const std::string& key) const {
        if (!v.is_object()) fail("no field '" + key + "' in " + v.dump());
        const auto it = v.find(key);
        if (it == v.end()) fail("no such key '" + key + "'");
        return *it;
    }

    std::string identifier() {
        skip_space();
        const std::size_t start = pos_;
        while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
            ++pos_;
        if (start == pos_ || std::isdigit(static_cast<unsigned char>(text_[start]))) fail("expected a name");
        return text_.substr(start, pos_ - start);
    }

    json string_literal() {
        const char quote = text_[pos_++];
        std::string out;
        while (pos_ < text_.size() && text_[pos_] != quote) {
            char c = text_[pos_++];
            if (c == '\\' && pos_ < text_.size()) {
                c = text_[pos_++];
                c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
            }
            out += c;
        }
        if (pos_ >= text_.size()) fail("unterminated string");
        ++pos_;
        return out;
    }
    json number_literal() {
        const std::size_t start = pos_;
        bool real = false;
        while (pos_ < text_.size() &&
               (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.' || text_[pos_] == 'e' ||
                text_[pos_] == 'E')) {
            real = real || !std::isdigit(static_cast<unsigned char>(text_[pos_]));
            ++pos_;
        }
        const std::string digits = text_.substr(start, pos_ - start);
        try {
            if (real) return std::stod(digits);
            return std::stoll(digits);
        } catch (const std::exception&) {
            fail("bad number '" + digits + "'");
        }
    }

    json call(const std::string& name, const json& arg) const {
        if (name == "int") {
            if (arg.is_number_integer()) return arg;
            if (arg.is_number()) return static_cast<std::int64_t>(std::trunc(arg.get<double>()));
            if (arg.is_string()) {
                const std::string s = arg.get<std::string>();
                std::size_t used = 0;
                try {
                    const long long v = std::stoll(s, &used);
                    if (used == s.size()) return v;
                } catch (const std::exception&) {
                }
                fail("int(): '" + s + "' is not an integer");
            }
        } else if (name == "double") {
            if (arg.is_number()) return arg.get<double>();
            if (arg.is_string()) {
                const std::string s = arg.get<std::string>();
                std::size_t used = 0;
                try {
                    const double v = std::stod(s, &used);
                    if (used == s.size()) return v;
                } catch (const std::exception&) {
                }
                fail("double(): '" + s + "' is not a number");
            }
        } else if (name == "string") {
            if (arg.is_string()) return arg;
            return arg.dump();
        } else if (name == "size") {
            if (arg.is_string()) return static_cast<std::int64_t>(arg.get<std::string>().size());
            if (arg.is_array() || arg.is_object()) return static_cast<std::int64_t>(arg.size());
        } else if (name == "parseJson") {
            if (arg.is_string()) {
                json parsed = json::parse(arg.get<std::string>(), nullptr, false);
                if (parsed.is_discarded()) fail("parseJson(): not JSON: " + arg.dump());
                return parsed;
            }
        } else {
            fail("unknown function '" + name + "'");
        }
        fail(name + "() cannot take " + arg.dump());
    }

    json primary(bool live) {
        skip_space();
        if (pos_ >= text_.size()) fail("unexpected end");
        const char c = text_[pos_];
        if (c == '(') {
            ++pos_;
            json v = ternary(live);
            expect(")");
            return v;
        }
        if (c == '[') {
            ++pos_;
            json list = json::array();
            if (!eat("]")) {
                do list.push_back(ternary(live));
                while (eat(","));
                expect("]");
            }
            return list;
        }
        if (c == '\'' || c == '"') return string_literal();
        if (std::isdigit(static_cast<unsigned char>(c))) return number_literal();
        const std::string name = identifier();
        if (name == "true") return true;
        if (name == "false") return false;
        if (name == "null") return nullptr;
        if (eat("(")) {
            json arg = ternary(live);
            expect(")");
            return live ? call(name, arg) : json();
        }
        if (!live) return json();
        const auto it = vars_.find(name);
        if (it == vars_.end()) fail("unknown name '" + name + "'");
        return *it;
    }

    const std::string& text_;
    const json& vars_;
    std::size_t pos_ = 0;
};

}  // namespace

nlohmann::json cel_eval(const std::string& expression, const nlohmann::json& variables) {
    return Evaluator(expression, variables).run();
}

}  // namespace pipecc::run
