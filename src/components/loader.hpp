#pragma once
// Internal to the component loaders: a parsed YAML file that turns node marks into error places,
// with the limits that keep a hostile file from exhausting time or memory.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "pipecc/emit/document.hpp"
#include "pipecc/error.hpp"
#include "pipecc/graph/graph.hpp"

namespace pipecc::components {

/// Limits on what a component file may hold.
inline constexpr std::size_t kMaxFileBytes = 8u << 20;    ///< 8 MiB
inline constexpr std::size_t kMaxScalarBytes = 1u << 20;  ///< 1 MiB for one string
inline constexpr std::size_t kMaxNodes = 200'000;         ///< YAML nodes, aliases counted each time
inline constexpr int kMaxDepth = 64;                      ///< nesting of YAML collections (and JSON)

/// One component file, parsed and checked against the limits above.
class Source {
public:
    /// Parses `text`: refuses oversized text, bytes that are not UTF-8, YAML errors (with a hint
    /// for tab indentation), and trees over the node or depth limits (alias bombs).
    Source(std::string_view text, std::string file);

    const std::string& file() const { return file_; }
    const std::string& text() const { return text_; }
    const std::vector<YAML::Node>& documents() const { return docs_; }

    /// The place of a node (its first character); the file alone if the node has no mark.
    Where at(const YAML::Node& n) const;
    Where at(const YAML::Mark& m) const;
    [[noreturn]] void fail(const YAML::Node& n, const std::string& message) const;
    [[noreturn]] void fail(const YAML::Mark& m, const std::string& message) const;

    /// `n` as a string: it must be a scalar (a null is refused with `what` in the message).
    std::string str(const YAML::Node& n, std::string_view what) const;
    /// `n` as a YAML boolean (true/false, yes/no, on/off in any case).
    bool boolean(const YAML::Node& n, std::string_view what) const;
    /// Requires a map and refuses keys outside `allowed` (listed in the message).
    void expect_map(const YAML::Node& n, std::string_view what, const std::vector<std::string_view>& allowed) const;
    /// The value under `key` of map `n`, or an undefined node.
    static YAML::Node get(const YAML::Node& n, std::string_view key);

    /// A YAML value as a document tree: plain scalars resolve to null, bools, integers and floats
    /// as YAML reads them; quoted ones stay strings.
    doc::Node to_doc(const YAML::Node& n) const;

private:
    void walk(const YAML::Node& n, int depth, std::size_t& count) const;

    std::string text_;
    std::string file_;
    std::vector<YAML::Node> docs_;
};

/// Whether a plain scalar is a YAML null (`~`, `null`, empty).
bool is_plain_null(const YAML::Node& n);
/// Whether `n` is a scalar written without quotes or tags.
bool is_plain(const YAML::Node& n);

/// The kfp SDK's `sanitize_input_name`: lower-case; runs of characters other than [_0-9a-z]
/// become one '_'; leading and trailing '_' removed.
std::string sanitize_input_name(std::string_view name);
/// The kfp SDK's `maybe_rename_for_k8s`: lower-case; runs of characters other than [-0-9a-z]
/// become one '-'; leading and trailing '-' removed (no length limit).
std::string kfp_k8s_name(std::string_view name);

/// Checks a port name against pipecc's rule (letters, digits, '_' and '-', starting with a letter
/// or '_', at most 128 characters); `what` is e.g. "input 'Training data' becomes 'training_data'".
void check_port_name(const Source& src, const YAML::Node& at, const std::string& name, const std::string& what);
/// Checks an env var name (letters, digits and '_', not starting with a digit).
void check_env_name(const Source& src, const YAML::Node& at, const std::string& name);
/// Refuses an empty image, and one containing "{{", which engines would resolve at run time.
void check_image(const Source& src, const YAML::Node& at, const std::string& image);
/// Refuses literal command-line text containing "{{", or starting like the KFP driver's JSON
/// placeholders ({"IfPresent": or {"Concat":), which engines read as placeholders.
void check_literal(const Source& src, const YAML::Mark& at, const std::string& text);

/// A finite integer or float from text, or nullopt.
std::optional<long long> parse_int(std::string_view text);
std::optional<double> parse_float(std::string_view text);
/// Python's strtobool (y/yes/t/true/on/1, n/no/f/false/off/0, any case), or nullopt.
std::optional<bool> parse_truth(std::string_view text);
/// Parses JSON text (at most kMaxDepth deep) as a document tree, or nullopt if it is not JSON.
std::optional<doc::Node> parse_json(std::string_view text);

/// The two formats.
graph::Component load_v1(const Source& src, const YAML::Node& root);
graph::Component load_ir(const Source& src, const YAML::Node& root);

}  // namespace pipecc::components
