#include "pipecc/emit/document.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

namespace pipecc::doc {
namespace {

/// Equal when both render the same: NaN equals NaN, and 0.0 differs from -0.0.
bool same_float(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return a == b && std::signbit(a) == std::signbit(b);
}

}  // namespace

void Node::throw_out_of_range(unsigned long long value) {
    throw std::out_of_range("doc::Node: unsigned integer " + std::to_string(value) +
                            " is above INT64_MAX (" +
                            std::to_string(std::numeric_limits<std::int64_t>::max()) +
                            "), the largest integer a node holds");
}

Node::Node(const Node& other) : int_(0) {
    kind_ = other.kind_;
    shared_ = other.shared_;
    rendered_ = other.rendered_;
    rendered_depth_ = other.rendered_depth_;
    if (shared_) {
        new (&target_) std::shared_ptr<const Node>(other.target_);
    } else if (rendered_ != 0) {
        new (&rendered_text_) RenderedText(other.rendered_text_);
    } else if (kind_ == Kind::String) {
        new (&str_) std::string(other.str_);
    } else if (kind_ == Kind::Map) {
        new (&entries_) std::vector<Entry>(other.entries_);
    } else if (kind_ == Kind::Seq) {
        new (&items_) std::vector<Node>(other.items_);
    } else {
        int_ = other.int_;
    }
}

void Node::become(Kind want, const char* operation) {
    if (shared_) throw std::logic_error(std::string("doc::Node::") + operation + " on a shared node");
    if (kind_ == want) return;
    if (kind_ != Kind::Null) {
        throw std::logic_error(std::string("doc::Node::") + operation +
                               (want == Kind::Map ? " needs a map" : " needs a sequence"));
    }
    if (want == Kind::Map) {
        new (&entries_) std::vector<Entry>();
    } else {
        new (&items_) std::vector<Node>();
    }
    kind_ = want;
}

Node Node::map() {
    Node n;
    n.become(Kind::Map, "map");
    return n;
}

Node Node::seq(std::initializer_list<Node> items) {
    Node n;
    n.become(Kind::Seq, "seq");
    n.items_.assign(items);
    return n;
}

Node Node::shared(Node target) {
    if (target.shared_) return target;
    Node n;
    new (&n.target_) std::shared_ptr<const Node>(std::make_shared<const Node>(std::move(target)));
    n.shared_ = true;
    return n;
}

std::vector<Node::Entry>& Node::entries() {
    become(Kind::Map, "entries");
    return entries_;
}

std::vector<Node>& Node::items() {
    become(Kind::Seq, "items");
    return items_;
}

Node& Node::set(std::string key, Node value) & {
    become(Kind::Map, "set");
    // Most maps an emitter builds have two to four entries; growing 1, 2, 4 moved every entry
    // twice and cost three allocations.
    if (entries_.empty()) entries_.reserve(4);
    entries_.emplace_back(std::move(key), std::move(value));
    return *this;
}

Node& Node::push(Node value) & {
    become(Kind::Seq, "push");
    items_.push_back(std::move(value));
    return *this;
}

Node& Node::at(std::string_view key) {
    become(Kind::Map, "at");
    for (Entry& e : entries_) {
        if (e.key == key) return e.value;
    }
    entries_.push_back(Entry{std::string(key), Node::map()});
    return entries_.back().value;
}

const Node* Node::find(std::string_view key) const {
    for (const Entry& e : entries()) {
        if (e.key == key) return &e.value;
    }
    return nullptr;
}

bool operator==(const Node& shared_a, const Node& shared_b) {
    const Node& a = shared_a.resolved();
    const Node& b = shared_b.resolved();
    if (&a == &b) return true;
    if (a.kind_ != b.kind_ || a.rendered_ != b.rendered_) return false;
    switch (a.kind_) {
        case Node::Kind::Null: return true;
        case Node::Kind::Bool:
        case Node::Kind::Int: return a.int_ == b.int_;
        case Node::Kind::Float: return same_float(a.float_, b.float_);
        case Node::Kind::String: return a.rendered_ != 0 ? a.rendered_text() == b.rendered_text() : a.str_ == b.str_;
        case Node::Kind::Seq: return a.items_ == b.items_;
        case Node::Kind::Map:
            // Order matters: it is part of what the writers produce.
            return std::equal(a.entries_.begin(), a.entries_.end(), b.entries_.begin(),
                              b.entries_.end(), [](const Node::Entry& x, const Node::Entry& y) {
                                  return x.key == y.key && x.value == y.value;
                              });
    }
    return false;
}

std::string format_float(double value) {
    if (std::isnan(value)) return ".nan";
    if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";

    // Python's repr switches to scientific notation outside 1e-4 <= |x| < 1e16; matching it keeps
    // our floats textually identical to what the kfp SDK writes.
    char buf[64];
    const auto sci = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string text(buf, sci.ptr);
    const std::size_t e = text.find('e');
    int exponent = 0;
    std::from_chars(text.data() + e + (text[e + 1] == '+' ? 2 : 1), text.data() + text.size(),
                    exponent);
    if (exponent < -4 || exponent >= 16) {
        // PyYAML (YAML 1.1) reads `1e+20` as a string; `1.0e+20` is a float everywhere.
        if (text.find('.') == std::string::npos) text.insert(e, ".0");
        return text;
    }
    const auto fixed = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
    text.assign(buf, fixed.ptr);
    if (text.find('.') == std::string::npos) text += ".0";
    return text;
}

}  // namespace pipecc::doc
