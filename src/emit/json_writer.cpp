#include "pipecc/emit/document.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>

#include "writer_support.hpp"

namespace pipecc::doc {
namespace {

using detail::EntryOrder;

/// JSON needs escapes only for `"`, `\` and C0 controls; non-ASCII text is copied once
/// validated.
constexpr auto kVerbatim =
    detail::verbatim_bytes([](char32_t c) { return c < 0x20 || c == '"' || c == '\\'; });

constexpr char kHexDigits[] = "0123456789abcdef";

class JsonWriter {
public:
    JsonWriter(std::string& out, const WriteOptions& options)
        : out_(out), order_(options.sort_keys), growth_(out, options.expected_size) {}

    /// Writes the non-empty map `map` as the value of an entry whose key is at column `indent`.
    void write_entry_value(const Node& map, std::size_t indent) { write_map(map, indent); }

    void write_document(const Node& node) {
        write(node, 0);
        out_ += '\n';
    }

private:
    void write(const Node& node, std::size_t indent) {
        if (node.is_rendered()) {
            // A map entry's value: its key is at `indent`, which is the rendered map's brace.
            if (indent < 2) throw std::logic_error("doc::Node: a rendered node outside a map entry's value");
            detail::check_rendered(node, Format::Json, (indent - 2) / 2);
            out_ += node.rendered_text();
            return;
        }
        switch (node.kind()) {
            case Node::Kind::Null: out_ += "null"; break;
            case Node::Kind::Bool: out_ += node.as_bool() ? "true" : "false"; break;
            case Node::Kind::Int: detail::append_int(out_, node.as_int()); break;
            case Node::Kind::Float:
                if (!std::isfinite(node.as_float())) {
                    throw std::invalid_argument("JSON cannot represent NaN or infinity");
                }
                out_ += format_float(node.as_float());
                break;
            case Node::Kind::String: write_string(node.as_string()); break;
            case Node::Kind::Seq: write_seq(node, indent); break;
            case Node::Kind::Map: write_map(node, indent); break;
        }
    }

    void write_map(const Node& map, std::size_t indent) {
        if (map.empty()) {
            out_ += "{}";
            return;
        }
        out_ += '{';
        bool first = true;
        order_.for_each(map, [&](const Node::Entry& e) {
            growth_.make_room();
            out_ += first ? "\n" : ",\n";
            first = false;
            out_.append(indent + 2, ' ');
            write_string(e.key);
            out_ += ": ";
            write(e.value, indent + 2);
        });
        out_ += '\n';
        out_.append(indent, ' ');
        out_ += '}';
    }

    void write_seq(const Node& seq, std::size_t indent) {
        if (seq.empty()) {
            out_ += "[]";
            return;
        }
        out_ += '[';
        bool first = true;
        for (const Node& item : seq.items()) {
            growth_.make_room();
            out_ += first ? "\n" : ",\n";
            first = false;
            out_.append(indent + 2, ' ');
            write(item, indent + 2);
        }
        out_ += '\n';
        out_.append(indent, ' ');
        out_ += ']';
    }

    void write_string(std::string_view s) {
        out_ += '"';
        detail::append_escaped(
            out_, s, kVerbatim, [](char32_t) { return false; },
            [this](char32_t c) { write_escape(c); });
        out_ += '"';
    }

    /// Controls without a short escape: `\u00XX`.
    void write_escape(char32_t c) {
        const char esc[] = {'\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0xF]};
        out_.append(esc, sizeof esc);
    }

    std::string& out_;
    EntryOrder order_;
    detail::OutputGrowth growth_;
};

}  // namespace

std::unique_ptr<Prerenderer::Writer> detail::json_prerenderer(const WriteOptions& options) {
    return std::make_unique<detail::PrerendererFor<JsonWriter>>(options);
}

void append_json(std::string& out, const Node& node, const WriteOptions& options) {
    detail::append_document<JsonWriter>(out, node, options);
}

std::string to_json(const Node& node, const WriteOptions& options) {
    std::string out;
    append_json(out, node, options);
    return out;
}

}  // namespace pipecc::doc
