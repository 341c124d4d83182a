#pragma once
/// The output document tree that emitters build and writers render as block YAML or JSON.
///
/// Emitters build a `doc::Node` tree in the order the target expects, then call `to_yaml` or
/// `to_json`. The writers are our own because yaml-cpp's emitter writes about 8 MB/s, far too slow
/// for a 100,000-task pipeline; yaml-cpp is used only to read.

#include <cstdint>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pipecc::doc {

namespace detail {
class TextStore;
}

/// The text formats the writers produce.
enum class Format : std::uint8_t { Yaml, Json };

/// A YAML/JSON value: null, bool, integer, float, string, sequence or map (insertion-ordered).
///
/// @code
/// doc::Node n = doc::Node::map();
/// n.set("name", "train").set("retries", 3);
/// n.set("args", doc::Node::seq({"--epochs", "10"}));
/// @endcode
class Node {
public:
    enum class Kind : std::uint8_t { Null, Bool, Int, Float, String, Seq, Map };
    struct Entry;

    // The constructors, `size`, the accessors and the `&&` overloads of `set` and `push` are
    // defined below `Node::Entry`: their bodies instantiate std::vector<Entry> members (directly,
    // or through Node's move), which needs Entry complete. GCC defers those instantiations to the
    // end of the file; Clang does not, and then rejects every later copy of a Node as well.
    Node();
    Node(std::nullptr_t);
    Node(bool b);
    Node(int i);
    Node(long i);
    Node(long long i);
    Node(unsigned i);
    /// Throws std::out_of_range above INT64_MAX, which an integer node cannot hold.
    Node(unsigned long i);
    Node(double d);
    Node(std::string s);
    Node(std::string_view s);
    Node(const char* s);

    /// An empty map; fill it with `set`.
    static Node map();
    /// A sequence, empty or from the given items.
    static Node seq(std::initializer_list<Node> items = {});
    /// A read-only stand-in for `target`, which many places of a document can hold without
    /// copying it: it reads and renders as `target` (the YAML writer renders it once per
    /// indentation and copies the text after that). Emitters use it for what many tasks repeat.
    ///
    /// @code
    /// const doc::Node args = doc::Node::shared(doc::Node::seq({"--in", "x"}));
    /// a.set("args", args);
    /// b.set("args", args);  // no copy of the sequence
    /// @endcode
    static Node shared(Node target);

    /// True for a node made by `shared`.
    bool is_shared() const { return shared_; }
    /// True for a node made by `Prerenderer::render`: a map already written as text, which
    /// reads as a String node whose text is `rendered_text()` (`as_string()` is empty).
    bool is_rendered() const { return rendered_ != 0; }
    /// For a rendered node: its text; else empty.
    std::string_view rendered_text() const;
    /// For a rendered node: the format it was written in, and the depth of the map entry whose
    /// value it is (see `Prerenderer::render`).
    Format rendered_format() const { return static_cast<Format>(rendered_ - 1); }
    std::size_t rendered_depth() const { return rendered_depth_; }

    /// The node this one stands for: its target if shared, else itself.
    const Node& resolved() const { return shared_ ? *target_ : *this; }

    Kind kind() const { return resolved().kind_; }
    bool is_null() const { return kind() == Kind::Null; }
    bool is_map() const { return kind() == Kind::Map; }
    bool is_seq() const { return kind() == Kind::Seq; }

    /// The payload of a node of that kind; false, 0 or empty for other kinds.
    bool as_bool() const { return as_int() != 0; }
    std::int64_t as_int() const;
    double as_float() const;
    const std::string& as_string() const;

    /// Appends `key: value` to a map (no look-up: callers keep keys unique). Returns *this.
    Node& set(std::string key, Node value) &;
    /// On a temporary, returns it as an rvalue, so `Node::map().set(...).set(...)` moves into its
    /// parent instead of being copied.
    Node&& set(std::string key, Node value) &&;
    /// Appends to a sequence. Returns *this.
    Node& push(Node value) &;
    Node&& push(Node value) &&;
    /// The value under `key` in a map, creating an empty map there if absent (linear look-up:
    /// for small maps only).
    Node& at(std::string_view key);
    /// The value under `key`, or nullptr (linear look-up).
    const Node* find(std::string_view key) const;

    /// A map's entries (empty for other kinds).
    const std::vector<Entry>& entries() const;
    /// Mutable access: makes a null node an empty map; throws std::logic_error on a shared node
    /// or one of another kind.
    std::vector<Entry>& entries();
    /// A sequence's items (empty for other kinds).
    const std::vector<Node>& items() const;
    /// Mutable access: makes a null node an empty sequence; throws std::logic_error on a shared
    /// node or one of another kind.
    std::vector<Node>& items();
    /// Number of entries (map) or items (seq).
    std::size_t size() const;
    bool empty() const { return size() == 0; }

    friend bool operator==(const Node& a, const Node& b);

    Node(const Node& other);
    Node(Node&& other) noexcept;
    Node& operator=(const Node& other);
    Node& operator=(Node&& other) noexcept;
    ~Node();

private:
    friend class Prerenderer;

    /// `value` as an Int payload; throws std::out_of_range above INT64_MAX.
    static std::int64_t checked_int(unsigned long long value);
    [[noreturn]] static void throw_out_of_range(unsigned long long value);
    /// Makes a null node an empty `want` (map or sequence); throws std::logic_error if the node
    /// is shared or of another kind, which would silently drop data.
    void become(Kind want, const char* operation);
    void destroy() noexcept;
    void take(Node&& other) noexcept;

    // One payload, chosen by `kind_` (or `shared_`): a node is 40 bytes rather than the 120 that
    // separate members took, which halves the memory of a 100,000-task document's tree.
    Kind kind_ = Kind::Null;
    bool shared_ = false;
    std::uint8_t rendered_ = 0;  // 1 + Format for a rendered String node, else 0
    std::uint32_t rendered_depth_ = 0;
    /// A rendered node's payload: its text, in a store that the node keeps alive.
    struct RenderedText {
        std::string_view text;
        std::shared_ptr<const void> store;
    };
    union {
        std::int64_t int_;
        double float_;
        std::string str_;
        RenderedText rendered_text_;
        std::vector<Entry> entries_;
        std::vector<Node> items_;
        std::shared_ptr<const Node> target_;
    };
};

struct Node::Entry {
    /// Spelled out (rather than aggregate) so that `emplace_back(key, value)` builds an entry in
    /// place with clang before 16 too.
    Entry(std::string&& k, Node&& v) noexcept : key(std::move(k)), value(std::move(v)) {}

    std::string key;
    Node value;
};

inline Node::Node() : int_(0) {}
inline Node::Node(std::nullptr_t) : int_(0) {}
inline Node::Node(bool b) : kind_(Kind::Bool), int_(b ? 1 : 0) {}
inline Node::Node(int i) : kind_(Kind::Int), int_(i) {}
inline Node::Node(long i) : kind_(Kind::Int), int_(i) {}
inline Node::Node(long long i) : kind_(Kind::Int), int_(i) {}
inline Node::Node(unsigned i) : kind_(Kind::Int), int_(i) {}
inline Node::Node(unsigned long i) : kind_(Kind::Int), int_(checked_int(i)) {}
inline Node::Node(double d) : kind_(Kind::Float), float_(d) {}
inline Node::Node(std::string s) : kind_(Kind::String), str_(std::move(s)) {}
inline Node::Node(std::string_view s) : kind_(Kind::String), str_(s) {}
inline Node::Node(const char* s) : kind_(Kind::String), str_(s) {}

inline Node::Node(Node&& other) noexcept : int_(0) { take(std::move(other)); }
inline Node::~Node() { destroy(); }

inline void Node::destroy() noexcept {
    if (shared_) {
        target_.~shared_ptr();
    } else if (rendered_ != 0) {
        rendered_text_.~RenderedText();
    } else if (kind_ == Kind::String) {
        str_.~basic_string();
    } else if (kind_ == Kind::Map) {
        entries_.~vector();
    } else if (kind_ == Kind::Seq) {
        items_.~vector();
    }
}

// Expects this node's payload destroyed (or trivial); leaves `other` valid, of its kind.
inline void Node::take(Node&& other) noexcept {
    kind_ = other.kind_;
    shared_ = other.shared_;
    rendered_ = other.rendered_;
    rendered_depth_ = other.rendered_depth_;
    if (shared_) {
        new (&target_) std::shared_ptr<const Node>(std::move(other.target_));
    } else if (rendered_ != 0) {
        new (&rendered_text_) RenderedText(std::move(other.rendered_text_));
    } else if (kind_ == Kind::String) {
        new (&str_) std::string(std::move(other.str_));
    } else if (kind_ == Kind::Map) {
        new (&entries_) std::vector<Entry>(std::move(other.entries_));
    } else if (kind_ == Kind::Seq) {
        new (&items_) std::vector<Node>(std::move(other.items_));
    } else {
        int_ = other.int_;
    }
}

inline Node& Node::operator=(Node&& other) noexcept {
    if (this != &other) {
        Node keep(std::move(other));  // `other` may live inside this node's payload
        destroy();
        take(std::move(keep));
    }
    return *this;
}

inline Node& Node::operator=(const Node& other) {
    if (this != &other) *this = Node(other);
    return *this;
}

inline std::int64_t Node::as_int() const {
    const Node& n = resolved();
    return n.kind_ == Kind::Int || n.kind_ == Kind::Bool ? n.int_ : 0;
}
inline double Node::as_float() const {
    const Node& n = resolved();
    return n.kind_ == Kind::Float ? n.float_ : 0.0;
}
inline const std::string& Node::as_string() const {
    static const std::string none;
    const Node& n = resolved();
    return n.kind_ == Kind::String && n.rendered_ == 0 ? n.str_ : none;
}
inline std::string_view Node::rendered_text() const {
    const Node& n = resolved();
    return n.rendered_ != 0 ? n.rendered_text_.text : std::string_view{};
}
inline const std::vector<Node::Entry>& Node::entries() const {
    static const std::vector<Entry> none;
    const Node& n = resolved();
    return n.kind_ == Kind::Map ? n.entries_ : none;
}
inline const std::vector<Node>& Node::items() const {
    static const std::vector<Node> none;
    const Node& n = resolved();
    return n.kind_ == Kind::Seq ? n.items_ : none;
}

inline Node&& Node::set(std::string key, Node value) && {
    return std::move(set(std::move(key), std::move(value)));
}
inline Node&& Node::push(Node value) && { return std::move(push(std::move(value))); }

inline std::size_t Node::size() const {
    const Node& n = resolved();
    return n.kind_ == Kind::Map ? n.entries_.size() : n.kind_ == Kind::Seq ? n.items_.size() : 0;
}

inline std::int64_t Node::checked_int(unsigned long long value) {
    if (value > static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max())) {
        throw_out_of_range(value);
    }
    return static_cast<std::int64_t>(value);
}

/// How a writer renders a tree.
struct WriteOptions {
    /// Write map keys in byte order instead of insertion order (what the kfp SDK writes).
    bool sort_keys = false;
    /// About how many bytes the document will take, if known: a large output's buffer then
    /// starts that big instead of doubling (and copying) its way there.
    std::size_t expected_size = 0;
};

/// Appends `node` as a block-style YAML document (no `---`, ends with a newline).
/// Strings are quoted exactly where YAML 1.1 and 1.2 readers would otherwise read another type.
///
/// @code
/// std::string out;
/// doc::append_yaml(out, tree, {.sort_keys = true});
/// @endcode
void append_yaml(std::string& out, const Node& node, const WriteOptions& options = {});

/// `append_yaml` into a fresh string.
std::string to_yaml(const Node& node, const WriteOptions& options = {});

/// Appends `node` as JSON indented by two spaces, ending with a newline.
void append_json(std::string& out, const Node& node, const WriteOptions& options = {});

/// `append_json` into a fresh string.
std::string to_json(const Node& node, const WriteOptions& options = {});

/// Writes parts of a document while the rest is still being built, so that a large document
/// never holds its whole tree: a 100,000-task pipeline's tree is several times the size of its
/// text, and on machines where first touching memory is slow that size is most of the cost.
/// One Prerenderer keeps what the writer would (the text of shared nodes), so each part is the
/// exact text `append_yaml`/`append_json` would write in its place, given the same options.
///
/// @code
/// doc::Prerenderer pre(doc::Format::Yaml, {.sort_keys = true});
/// tasks.set(name, pre.render(std::move(task), 3));  // root: dag: tasks: <name>: ...
/// @endcode
class Prerenderer {
public:
    Prerenderer(Format format, const WriteOptions& options);
    ~Prerenderer();
    Prerenderer(const Prerenderer&) = delete;
    Prerenderer& operator=(const Prerenderer&) = delete;

    /// `value` as a rendered node, for the value of a map entry `depth` maps deep (the keys of
    /// the document's top-level map are at depth 0; no sequence may lie on the way). A writer
    /// copies its text there and throws std::logic_error anywhere else. Anything but a
    /// non-empty, unshared map is returned as it is.
    Node render(Node value, std::size_t depth);
    /// Bytes of text rendered so far.
    std::size_t bytes() const { return bytes_; }

    struct Writer;

private:
    Format format_;
    std::unique_ptr<Writer> writer_;
    /// The text of the parts, kept alive by the nodes that show it.
    std::shared_ptr<detail::TextStore> store_;
    std::size_t bytes_ = 0;
};

/// Formats a double as the shortest text that reads back to the same value, always with a `.`
/// or exponent (so `2.0`, not `2`), as Python's repr does. NaN and infinities are `.nan`, `.inf`,
/// `-.inf`.
std::string format_float(double value);

}  // namespace pipecc::doc
