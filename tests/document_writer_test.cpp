// The document tree and its YAML/JSON writers: exact layout, quoting and round trips through
// yaml-cpp (YAML 1.2) and PyYAML (YAML 1.1, what the kfp SDK uses).

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "pipecc/emit/document.hpp"

namespace document_writer_test {

namespace {

using pipecc::doc::Format;
using pipecc::doc::Prerenderer;
using pipecc::doc::WriteOptions;
using pipecc::doc::Node;
using pipecc::doc::to_json;
using pipecc::doc::to_yaml;

using namespace std::string_literals;

/// Strings that stress every quoting rule; each must survive a round trip unchanged.
std::vector<std::string> tricky_strings() {
    return {
        // Empty, spaces, ordinary words.
        "", " ", "  ", "a", "hello world", "train-model", "yes please", "no way", "true story",
        "nUll", "tRUE", "yEs",
        // YAML 1.1 / 1.2 nulls and booleans.
        "null", "Null", "NULL", "~", "y", "Y", "n", "N", "yes", "Yes", "YES", "no", "No", "NO",
        "on", "On", "ON", "off", "Off", "OFF", "true", "True", "TRUE", "false", "False", "FALSE",
        // Numbers in either version or in Go's yaml.v3.
        "0", "1", "-1", "+1", "00", "08", "017", "0o17", "0O17", "0x1F", "0X1f", "0b101", "0B1",
        "1_000", "1_", "-_1", "0x_", "0b_", "1.5", "-1.5", ".5", "-.5", "+.5", "1.", "1e5", "1E5",
        "1e+5", "1.0e+5", "1e-5", "-1e5", ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN",
        ".NAN", "1:30", "1:30:00", "-1:30", "1:30.5", "190:20:30.15", "0.1", "1e300", "-0", "0.0",
        "99999999999999999999", "1.2.3", "v1.2", "1abc", "1-2", "+", ".", "._", "1e", "0x",
        // Dates and timestamps.
        "2024-01-01", "2024-1-1", "2024-01-01T00:00:00Z", "2024-01-01 00:00:00",
        "2001-12-14t21:59:43.10-05:00", "2024-01-01x", "1234-5678", "2024-01",
        // Merge and value keys, indicators at the start.
        "<<", "=", "<<x", "!", "&", "*", "&anchor", "*alias", "!tag", "|", ">", "|-", "'", "\"",
        "'quoted'", "\"quoted\"", "%TAG", "@at", "`tick", "#comment", ",comma", "[a]", "]",
        "{a: b}", "{{workflow.name}}", "}", "?", "? x", "?x", ":", ": x", ":x", "-", "- x", "-x",
        "--flag", "-c", "--executor_input", "---", "--- x", "...", "...x", "----",
        // Indicators inside.
        "a: b", "a:b", "a:", "a :", "key::", "a #b", "a#b", "#", "a # b", "a,b", "a[0]", "x=1",
        "100%", "a|b", "a>b", "a&b", "a*b", "a!b", "a@b", "a`b`", "a - b",
        "http://example.com:8080/path?q=1#frag", "gs://bucket/path", "/tmp/outputs/model/data",
        "python:3.11-slim",
        // Whitespace and control characters.
        " leading", "trailing ", " both ", "tab\there", "\ttab", "tab\t", "cr\rlf", "nul\0byte"s,
        "bell\a", "esc\x1b", "del\x7f", "back\bspace", "form\ffeed", "vt\vx",
        // Line breaks.
        "line1\nline2", "line\n", "trail\n\n", "trail3\n\n\n", "\nlead", "\n", "\n\n",
        " indented\nnext", "  two\n  lines\n", "a \nb", "a\n b", "a\n\tb", "end space\n ",
        "x\n\ny", "#!/bin/sh\nset -e\necho \"$1\" | tr a b\n", "- item\n- item2",
        "key: value\nother: 1\n", "'\n'", "\"\n\"", "\\\n\\", "---\n...\n",
        // Unicode.
        "日本語", "héllo", "emoji 😀", "nbsp\u00a0x", "\u00a0lead", "nel\u0085x", "ls\u2028x",
        "ps\u2029x", "bom\ufeffx", "c1\u0080x", "\u00e9", "ÿ", "\ufffd", "\U0010FFFF", "日本語: x",
        "テスト\n行",
        // Shell snippets and placeholders.
        "$(echo hi)", "echo \"$HOME\"", "it's", "don't 'quote' me", "back\\slash", "C:\\path\\to",
        "sh -c 'echo \"a\" && exit 1'", "python3 -m kfp.dsl.executor_main --executor_input {{$}}",
        "{{$.inputs.parameters['text']}}", "$(inputs.params.x)", "\"double\" inside",
        "a 'b' c", "{{inputs.parameters.x}}-suffix", "prefix-{{inputs.parameters.x}}",
        // Long lines are never folded.
        std::string(5000, 'x'), std::string(300, 'a') + " " + std::string(300, 'b'),
    };
}

/// An independent oracle: PyYAML's (YAML 1.1) implicit resolvers, copied from
/// yaml/resolver.py, plus YAML 1.1's `y`/`n`, and the YAML 1.2 core schema.
bool resolves_to_non_string(const std::string& s) {
    static const std::vector<std::regex> patterns = [] {
        std::vector<std::regex> r;
        for (const char* p : {
                 // YAML 1.1 (PyYAML)
                 R"(yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)",
                 R"(y|Y|n|N)",
                 R"([-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?)",
                 R"(\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?)",
                 R"([-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*)",
                 R"([-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))",
                 R"([-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)",
                 R"([-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)",
                 R"(<<|=|~|null|Null|NULL|)",
                 R"([0-9]{4}-[0-9]{2}-[0-9]{2})",
                 R"([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2})"
                 R"((?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)",
                 // YAML 1.2 core schema
                 R"([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)",
                 R"([-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)",
             }) {
            r.emplace_back(p);
        }
        return r;
    }();
    for (const auto& re : patterns) {
        if (std::regex_match(s, re)) return true;
    }
    return false;
}

/// Runs a shell command; returns its exit status (-1 if it did not exit normally).
int run(const std::string& command) {
    const int status = std::system(command.c_str());
    return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string hex(const std::string& s) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char c : s) {
        out += digits[c >> 4];
        out += digits[c & 0xF];
    }
    return out;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary);
    f << text;
    REQUIRE(f.good());
}

/// A scratch directory removed when the test ends.
class TempDir {
public:
    TempDir()
        : path_(std::filesystem::temp_directory_path() /
                ("pipecc_doc_test_" + std::to_string(::getpid()))) {
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

const double kFloats[] = {2.0,    0.1,     1e300, 5e-324,      -0.0, 0.0,
                          1e15,   1e16,    1e20,  0.268435456, 1e-5, 0.0001,
                          -2.5e-8, 123.456, 1.7976931348623157e308};

}  // namespace

TEST_CASE("Node builds maps and sequences", "[document]") {
    Node n = Node::map();
    n.set("name", "train").set("retries", 3).set("args", Node::seq({"--epochs", "10"}));
    CHECK(n.is_map());
    CHECK(n.size() == 3);
    REQUIRE(n.find("retries") != nullptr);
    CHECK(n.find("retries")->as_int() == 3);
    CHECK(n.find("missing") == nullptr);
    CHECK(n.find("args")->items().at(1).as_string() == "10");
    CHECK(Node("x").find("x") == nullptr);

    SECTION("at finds an existing key or appends an empty map") {
        CHECK(&n.at("name") == &n.entries()[0].value);
        Node& created = n.at("meta");
        CHECK(created.is_map());
        CHECK(created.empty());
        CHECK(n.entries().back().key == "meta");
        created.set("k", "v");
        CHECK(n.at("meta").find("k")->as_string() == "v");
    }
    SECTION("a null node becomes a map or sequence when filled") {
        Node m;
        m.set("a", 1);
        CHECK(m.is_map());
        Node s;
        s.push(1).push("two");
        CHECK(s.is_seq());
        CHECK(s.size() == 2);
        Node t;
        t.at("x").set("y", 1);
        CHECK(t.find("x")->find("y")->as_int() == 1);
    }
    SECTION("filling a scalar or the other collection kind is a bug") {
        Node s = Node::seq();
        CHECK_THROWS_AS(s.set("a", 1), std::logic_error);
        CHECK_THROWS_AS(s.at("a"), std::logic_error);
        Node m = Node::map();
        CHECK_THROWS_AS(m.push(1), std::logic_error);
        Node str("x");
        CHECK_THROWS_AS(str.push(1), std::logic_error);
    }
}

TEST_CASE("Node equality is deep and typed", "[document]") {
    CHECK(Node() == Node(nullptr));
    CHECK(Node(2) == Node(2L));
    CHECK_FALSE(Node(2) == Node(2.0));
    CHECK_FALSE(Node(1) == Node(true));
    CHECK(Node(true) == Node(true));
    CHECK_FALSE(Node(true) == Node(false));
    CHECK(Node("a") == Node(std::string("a")));
    CHECK_FALSE(Node("a") == Node("b"));
    CHECK(Node(std::nan("")) == Node(std::nan("")));
    CHECK_FALSE(Node(0.0) == Node(-0.0));
    CHECK_FALSE(Node::map() == Node::seq());
    CHECK_FALSE(Node::map() == Node());

    const auto tree = [] {
        Node n = Node::map();
        n.set("a", Node::seq({1, "x", Node::map().set("k", 2.5)})).set("b", nullptr);
        return n;
    };
    CHECK(tree() == tree());
    CHECK_FALSE(tree() != tree());
    Node changed = tree();
    changed.entries()[0].value.items()[2].entries()[0].value = Node(2.6);
    CHECK(tree() != changed);
    Node reordered = Node::map();
    reordered.set("b", nullptr).set("a", *tree().find("a"));
    CHECK(tree() != reordered);
    Node longer = tree();
    longer.set("c", 1);
    CHECK(tree() != longer);
}

TEST_CASE("a shared node reads, compares and renders as its target, and cannot be changed", "[document]") {
    const Node target = Node::map().set("image", "alpine").set("args", Node::seq({"--in", "x"}));
    const Node shared = Node::shared(target);
    CHECK(shared.is_shared());
    CHECK(shared.is_map());
    CHECK(shared.size() == 2);
    CHECK(shared.find("image")->as_string() == "alpine");
    CHECK(shared == target);
    CHECK(target == shared);
    CHECK(Node::shared(shared).resolved().find("image") == shared.find("image"));  // no second wrapper

    Node copy = shared;
    CHECK_THROWS_AS(copy.set("k", 1), std::logic_error);
    CHECK_THROWS_AS(copy.push(1), std::logic_error);
    CHECK_THROWS_AS(copy.entries(), std::logic_error);
    CHECK_THROWS_AS(copy.at("image"), std::logic_error);

    // The same shared node at several depths, as a map value and as sequence items, renders
    // exactly as unshared copies would (the writer reuses text only at the same indentation).
    const Node list = Node::shared(Node::seq({"a", Node::map().set("b", 1)}));
    auto build = [&](const Node& m, const Node& l) {
        return Node::map()
            .set("one", m)
            .set("nested", Node::map().set("two", m).set("list", l).set("deeper", Node::map().set("three", m)))
            .set("items", Node::seq({m, m, l}))
            .set("again", m)
            .set("list", l);
    };
    const Node with_shared = build(shared, list);
    const Node with_copies = build(target, list.resolved());
    CHECK(to_yaml(with_shared) == to_yaml(with_copies));
    CHECK(to_yaml(with_shared, {.sort_keys = true}) == to_yaml(with_copies, {.sort_keys = true}));
    CHECK(to_json(with_shared) == to_json(with_copies));
    CHECK(with_shared == with_copies);
}

TEST_CASE("prerendered parts render exactly as the tree they replace, and only in their place", "[document]") {
    const Node shared = Node::shared(Node::map().set("image", "alpine").set("args", Node::seq({"--in", "x"})));
    auto task = [&](int i) {
        return Node::map().set("name", std::to_string(i)).set("z", shared).set("a", Node::seq({i, shared}));
    };
    auto build = [&](auto&& part) {
        Node tasks = Node::map();
        for (int i = 0; i < 3; ++i) tasks.set(std::to_string(3 - i), part(task(i), 2));
        return Node::map()
            .set("top", part(task(9), 0))
            .set("root", Node::map().set("tasks", std::move(tasks)).set("empty", part(Node::map(), 1)))
            .set("list", part(Node::seq({1}), 0));
    };
    const Node tree = build([](Node n, std::size_t) { return n; });
    for (const bool sorted : {false, true}) {
        const WriteOptions options{.sort_keys = sorted};
        Prerenderer yaml(Format::Yaml, options);
        const Node yaml_parts = build([&](Node n, std::size_t depth) { return yaml.render(std::move(n), depth); });
        CHECK(yaml_parts.find("top")->is_rendered());
        CHECK(yaml.bytes() > 0);
        CHECK(to_yaml(yaml_parts, options) == to_yaml(tree, options));
        CHECK_THROWS_AS(to_json(yaml_parts, options), std::logic_error);

        Prerenderer json(Format::Json, options);
        const Node json_parts = build([&](Node n, std::size_t depth) { return json.render(std::move(n), depth); });
        CHECK(to_json(json_parts, options) == to_json(tree, options));
        CHECK_THROWS_AS(to_yaml(json_parts, options), std::logic_error);
    }
    // At another depth, or outside a map entry, the text would be wrong: the writers refuse it.
    Prerenderer yaml(Format::Yaml, {});
    CHECK_THROWS_AS(to_yaml(Node::map().set("a", yaml.render(task(0), 1))), std::logic_error);
    CHECK_THROWS_AS(to_yaml(Node::seq({yaml.render(task(0), 0)})), std::logic_error);
    Prerenderer json(Format::Json, {});
    CHECK_THROWS_AS(to_json(Node::map().set("a", json.render(task(0), 1))), std::logic_error);
    CHECK_THROWS_AS(to_json(json.render(task(0), 0)), std::logic_error);
}

TEST_CASE("prerendered parts outlive their Prerenderer, in documents of any size", "[document]") {
    // 6,000 parts of ~1 KB: past the store's small blocks, into its huge-page ones.
    const std::string long_text(1000, 'x');
    Node tree = Node::map();
    Node parts = Node::map();
    {
        Prerenderer yaml(Format::Yaml, {});
        for (int i = 0; i < 6000; ++i) {
            Node task = Node::map().set("text", long_text).set("i", i);
            tree.set("t" + std::to_string(i), task);
            parts.set("t" + std::to_string(i), yaml.render(std::move(task), 0));
        }
        CHECK(yaml.bytes() > (std::size_t{6} << 20) - (std::size_t{1} << 20));
    }
    const Node copy = parts;  // copies share the text
    CHECK(copy == parts);
    CHECK(parts.find("t5999")->rendered_text().ends_with("i: 5999\n"));
    CHECK(parts.find("t5999")->as_string().empty());
    CHECK(to_yaml(copy) == to_yaml(tree));
}

TEST_CASE("Node copies and moves keep the payload, also from inside itself", "[document]") {
    Node n = Node::map().set("child", Node::seq({"a", 2, Node::map().set("k", 2.5)}));
    const Node original = n;
    Node copy = n;
    CHECK(copy == original);
    n = n;  // self-assignment keeps the node
    CHECK(n == original);
    n = n.entries()[0].value;  // a copy of its own child
    CHECK(n == original.entries()[0].value);
    n = std::move(n.items()[2]);  // a move from its own item
    CHECK(n == Node::map().set("k", 2.5));
    Node moved = std::move(copy);
    CHECK(moved == original);
    moved = Node("text");  // a map becomes a string
    CHECK(moved.as_string() == "text");
    CHECK(std::as_const(moved).entries().empty());  // read-only access to another kind: empty
    CHECK(moved.as_int() == 0);
    CHECK_THROWS_AS(moved.set("k", 1), std::logic_error);
    Node null;
    null.entries().push_back({"k", 1});  // mutable access makes a null node a map
    CHECK(null == Node::map().set("k", 1));
}

TEST_CASE("Node refuses unsigned integers above INT64_MAX instead of wrapping them", "[document]") {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    constexpr auto kMaxUnsigned = static_cast<unsigned long>(kMax);
    CHECK(Node(kMaxUnsigned).as_int() == kMax);
    CHECK(Node(0UL).as_int() == 0);
    CHECK(Node(std::numeric_limits<unsigned>::max()).as_int() == 4294967295);
    CHECK(to_yaml(Node(kMaxUnsigned)) == "9223372036854775807\n");

    CHECK_THROWS_AS(Node(kMaxUnsigned + 1), std::out_of_range);
    CHECK_THROWS_AS(Node(std::numeric_limits<unsigned long>::max()), std::out_of_range);
    CHECK_THROWS_AS(Node::map().set("n", std::size_t{1} << 63), std::out_of_range);
    CHECK_THROWS_WITH(Node(std::numeric_limits<unsigned long>::max()),
                      Catch::Contains("18446744073709551615") && Catch::Contains("INT64_MAX"));
}

TEST_CASE("format_float gives the shortest round-trip text, always float-looking", "[document]") {
    using pipecc::doc::format_float;
    CHECK(format_float(2.0) == "2.0");
    CHECK(format_float(0.1) == "0.1");
    CHECK(format_float(0.268435456) == "0.268435456");
    CHECK(format_float(-0.0) == "-0.0");
    CHECK(format_float(0.0) == "0.0");
    CHECK(format_float(1e15) == "1000000000000000.0");
    CHECK(format_float(1e16) == "1.0e+16");
    CHECK(format_float(1e20) == "1.0e+20");
    CHECK(format_float(1e300) == "1.0e+300");
    CHECK(format_float(5e-324) == "5.0e-324");
    CHECK(format_float(0.0001) == "0.0001");
    CHECK(format_float(1e-5) == "1.0e-05");
    CHECK(format_float(1.5e-7) == "1.5e-07");
    CHECK(format_float(123456789012345680.0) == "1.2345678901234568e+17");
    CHECK(format_float(std::nan("")) == ".nan");
    CHECK(format_float(std::numeric_limits<double>::infinity()) == ".inf");
    CHECK(format_float(-std::numeric_limits<double>::infinity()) == "-.inf");
    for (const double d : kFloats) {
        CHECK(std::strtod(format_float(d).c_str(), nullptr) == d);
    }
}

TEST_CASE("YAML layout matches PyYAML's block style", "[yaml]") {
    SECTION("nested maps, sequences under keys, sequences of maps and of sequences") {
        Node n = Node::map();
        n.set("name", "train").set("retries", 3).set("ratio", 0.5).set("on", true);
        n.set("nothing", nullptr);
        n.set("args", Node::seq({"--epochs", "10", "-c"}));
        n.set("env", Node::seq({Node::map().set("name", "A").set("value", "x"),
                                Node::map().set("name", "B").set("value", Node::seq({1, 2}))}));
        n.set("matrix", Node::seq({Node::seq({1, 2}), Node::seq({Node::seq({3}), 4})}));
        n.set("meta", Node::map().set("labels", Node::map().set("team", "ml")));
        n.set("empty_map", Node::map()).set("empty_seq", Node::seq());
        n.set("empties", Node::seq({Node::map(), Node::seq()}));
        CHECK(to_yaml(n) ==
              "name: train\n"
              "retries: 3\n"
              "ratio: 0.5\n"
              "'on': true\n"
              "nothing: null\n"
              "args:\n"
              "- --epochs\n"
              "- '10'\n"
              "- -c\n"
              "env:\n"
              "- name: A\n"
              "  value: x\n"
              "- name: B\n"
              "  value:\n"
              "  - 1\n"
              "  - 2\n"
              "matrix:\n"
              "- - 1\n"
              "  - 2\n"
              "- - - 3\n"
              "  - 4\n"
              "meta:\n"
              "  labels:\n"
              "    team: ml\n"
              "empty_map: {}\n"
              "empty_seq: []\n"
              "empties:\n"
              "- {}\n"
              "- []\n");
    }
    SECTION("top-level sequences and scalars") {
        CHECK(to_yaml(Node::seq({"a", Node::map().set("b", 1)})) == "- a\n- b: 1\n");
        CHECK(to_yaml(Node()) == "null\n");
        CHECK(to_yaml(Node(true)) == "true\n");
        CHECK(to_yaml(Node(-7)) == "-7\n");
        CHECK(to_yaml(Node(2.0)) == "2.0\n");
        CHECK(to_yaml(Node("text")) == "text\n");
        CHECK(to_yaml(Node("12")) == "'12'\n");
        CHECK(to_yaml(Node("two\nlines")) == "\"two\\nlines\"\n");
        CHECK(to_yaml(Node::map()) == "{}\n");
        CHECK(to_yaml(Node::seq()) == "[]\n");
    }
    SECTION("non-finite floats") {
        Node n = Node::seq({std::nan(""), std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity()});
        CHECK(to_yaml(n) == "- .nan\n- .inf\n- -.inf\n");
    }
    SECTION("sort_keys orders every map by key bytes without touching sequences") {
        Node n = Node::map();
        n.set("b", 1).set("a", Node::map().set("z", 1).set("Z", 2).set("é", 3).set("x", 4));
        n.set("c", Node::seq({"z", "a"}));
        n.set("B", Node::seq({Node::map().set("k2", 1).set("k1", 2)}));
        CHECK(to_yaml(n, {.sort_keys = true}) ==
              "B:\n"
              "- k1: 2\n"
              "  k2: 1\n"
              "a:\n"
              "  Z: 2\n"
              "  x: 4\n"
              "  z: 1\n"
              "  é: 3\n"
              "b: 1\n"
              "c:\n"
              "- z\n"
              "- a\n");
        CHECK(to_yaml(n).starts_with("b: 1\na:\n  z: 1\n"));
    }
    SECTION("sort_keys on a large map") {
        Node n = Node::map();
        for (int i = 0; i < 300; ++i) n.set("task-" + std::to_string((i * 7919) % 300), i);
        n.set("task-0-long-key-sharing-a-prefix-b", 1).set("task-0-long-key-sharing-a-prefix-a", 2);
        const std::string yaml = to_yaml(n, {.sort_keys = true});
        std::vector<std::string> keys;
        for (std::size_t pos = 0; pos < yaml.size();) {
            const std::size_t end = yaml.find('\n', pos);
            keys.push_back(yaml.substr(pos, yaml.find(':', pos) - pos));
            pos = end + 1;
        }
        REQUIRE(keys.size() == 302);
        CHECK(std::is_sorted(keys.begin(), keys.end()));
        CHECK(keys[1] == "task-0-long-key-sharing-a-prefix-a");
        CHECK(keys[2] == "task-0-long-key-sharing-a-prefix-b");
    }
    SECTION("quoting style: single quotes by default, double quotes for control characters") {
        Node n = Node::seq({"{{$.inputs.parameters['text']}}", "it's", "", "a\tb", "nul\0"s,
                            "bell\a", "q\"uote", "nel\u0085", "ls\u2028", "bom\ufeff", "日本語",
                            "del\x7f", "- x", "-c", "x: y", "a #b", "2024-01-01", "1e5", ":x"});
        CHECK(to_yaml(n) ==
              "- '{{$.inputs.parameters[''text'']}}'\n"
              "- it's\n"
              "- ''\n"
              "- \"a\\tb\"\n"
              "- \"nul\\0\"\n"
              "- \"bell\\a\"\n"
              "- q\"uote\n"
              "- \"nel\\x85\"\n"
              "- \"ls\\u2028\"\n"
              "- \"bom\\uFEFF\"\n"
              "- 日本語\n"
              "- \"del\\x7F\"\n"
              "- '- x'\n"
              "- -c\n"
              "- 'x: y'\n"
              "- 'a #b'\n"
              "- '2024-01-01'\n"
              "- '1e5'\n"
              "- :x\n");
    }
    SECTION("keys are quoted by the same rules") {
        Node n = Node::map();
        n.set("yes", 1).set("1", 2).set("", 3).set("a: b", 4).set("k\"q", 5).set("t\tab", 6);
        n.set("multi\nline", 7).set("plain", 8);
        CHECK(to_yaml(n) ==
              "'yes': 1\n"
              "'1': 2\n"
              "'': 3\n"
              "'a: b': 4\n"
              "k\"q: 5\n"
              "\"t\\tab\": 6\n"
              "\"multi\\nline\": 7\n"
              "plain: 8\n");
    }
    SECTION("multi-line strings are literal blocks with the right chomping") {
        Node n = Node::map();
        n.set("strip", "a\nb").set("clip", "a\nb\n").set("keep", "a\n\n").set("lead", " a\nb");
        n.set("blank", "a\n\nb").set("first_empty", "\nx").set("nested", Node::map().set("s", "x\ny"));
        n.set("items", Node::seq({"p\nq", Node::map().set("k", "r\ns")}));
        n.set("trailing_space", "a \nb").set("only_breaks", "\n\n").set("tab", "a\n\tb");
        CHECK(to_yaml(n) ==
              "strip: |-\n"
              "  a\n"
              "  b\n"
              "clip: |\n"
              "  a\n"
              "  b\n"
              "keep: |+\n"
              "  a\n"
              "\n"
              "lead: |2-\n"
              "   a\n"
              "  b\n"
              "blank: |-\n"
              "  a\n"
              "\n"
              "  b\n"
              "first_empty: |2-\n"
              "\n"
              "  x\n"
              "nested:\n"
              "  s: |-\n"
              "    x\n"
              "    y\n"
              "items:\n"
              "- |-\n"
              "  p\n"
              "  q\n"
              "- k: |-\n"
              "    r\n"
              "    s\n"
              "trailing_space: \"a \\nb\"\n"
              "only_breaks: \"\\n\\n\"\n"
              "tab: \"a\\n\\tb\"\n");
    }
    SECTION("long strings stay on one line") {
        const std::string words = std::string(200, 'a') + " " + std::string(200, 'b');
        CHECK(to_yaml(Node::seq({words})) == "- " + words + "\n");
    }
    SECTION("keys too long for an implicit key use the explicit form") {
        const std::string key(1500, 'k');
        Node n = Node::map();
        n.set(key, 1).set("short", 2).set(key + "2", Node::map().set("a", 1).set("b", 2));
        n.set(key + "3", Node::seq({1, 2}));
        CHECK(to_yaml(n) == "? " + key + "\n: 1\nshort: 2\n? " + key + "2\n: a: 1\n  b: 2\n? " + key +
                                "3\n: - 1\n  - 2\n");
        const YAML::Node back = YAML::Load(to_yaml(n));
        CHECK(back[key].as<int>() == 1);
        CHECK(back[key + "2"]["b"].as<int>() == 2);
        CHECK(back[key + "3"][1].as<int>() == 2);
    }
    SECTION("append_yaml appends, and leaves the buffer as it was on error") {
        std::string out = "# header\n";
        pipecc::doc::append_yaml(out, Node::map().set("a", 1));
        CHECK(out == "# header\na: 1\n");
        CHECK_THROWS_AS(pipecc::doc::append_yaml(out, Node::seq({"ok", "bad\xff"})),
                        std::invalid_argument);
        CHECK(out == "# header\na: 1\n");
    }
}

TEST_CASE("writers reject strings that are not valid UTF-8", "[yaml][json]") {
    for (const std::string& bad : {"\xff"s, "a\x80"s, "\xc3"s, "\xc0\xaf"s, "\xe0\x80\xaf"s,
                                  "\xed\xa0\x80"s, "\xf4\x90\x80\x80"s, "\xf8\x88\x80\x80\x80"s,
                                  "\xe6\x97"s}) {
        INFO(hex(bad));
        CHECK_THROWS_WITH(to_yaml(Node(bad)), "string is not valid UTF-8");
        CHECK_THROWS_WITH(to_yaml(Node::map().set(bad, 1)), "string is not valid UTF-8");
        CHECK_THROWS_WITH(to_yaml(Node::seq({"a\n" + bad})), "string is not valid UTF-8");
        CHECK_THROWS_WITH(to_json(Node(bad)), "string is not valid UTF-8");
        CHECK_THROWS_WITH(to_json(Node::map().set(bad, 1)), "string is not valid UTF-8");
    }
}

TEST_CASE("JSON layout matches json.dumps(indent=2)", "[json]") {
    Node n = Node::map();
    n.set("name", "train").set("retries", 3).set("ratio", 2.0).set("ok", false).set("none", nullptr);
    n.set("args", Node::seq({"a", 1, Node::map().set("k", Node::seq())}));
    n.set("empty", Node::map()).set("esc", "q\"b\\n\nr\rt\tb\bf\fz\x01\x1f\x7f日本語");
    CHECK(to_json(n) ==
          "{\n"
          "  \"name\": \"train\",\n"
          "  \"retries\": 3,\n"
          "  \"ratio\": 2.0,\n"
          "  \"ok\": false,\n"
          "  \"none\": null,\n"
          "  \"args\": [\n"
          "    \"a\",\n"
          "    1,\n"
          "    {\n"
          "      \"k\": []\n"
          "    }\n"
          "  ],\n"
          "  \"empty\": {},\n"
          "  \"esc\": \"q\\\"b\\\\n\\nr\\rt\\tb\\bf\\fz\\u0001\\u001f\x7f日本語\"\n"
          "}\n");
    CHECK(to_json(Node::map().set("b", 1).set("a", Node::map().set("d", 1).set("c", 2)),
                  {.sort_keys = true}) ==
          "{\n  \"a\": {\n    \"c\": 2,\n    \"d\": 1\n  },\n  \"b\": 1\n}\n");
    CHECK(to_json(Node("x")) == "\"x\"\n");
    CHECK(to_json(Node(1e20)) == "1.0e+20\n");
    CHECK(to_json(Node::seq()) == "[]\n");

    for (const double bad : {std::nan(""), std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity()}) {
        CHECK_THROWS_AS(to_json(Node::seq({bad})), std::invalid_argument);
    }
    std::string out = "x";
    CHECK_THROWS_AS(pipecc::doc::append_json(out, Node::seq({1, std::nan("")})),
                    std::invalid_argument);
    CHECK(out == "x");
}

TEST_CASE("deep nesting is written", "[yaml][json]") {
    const auto nested = [](int depth) {
        Node n = Node(1);
        for (int i = 0; i < depth; ++i) {
            n = (i % 2 == 0) ? Node::map().set("k", std::move(n)) : Node::seq({std::move(n)});
        }
        return n;
    };
    const Node n = nested(1000);
    const std::string yaml = to_yaml(n);
    CHECK(yaml.ends_with("\n" + std::string(998, ' ') + "- k: 1\n"));
    // yaml-cpp refuses documents nested deeper than 500.
    YAML::Node inner = YAML::Load(to_yaml(nested(400)));
    for (int i = 0; i < 200; ++i) inner = inner[0]["k"];
    CHECK(inner.as<int>() == 1);
    const std::string json = to_json(n);
    CHECK(json.find("\n" + std::string(2000, ' ') + "\"k\": 1\n" + std::string(1998, ' ') + "}\n") !=
          std::string::npos);
    CHECK(json.ends_with("\n]\n"));
}

TEST_CASE("large documents are written intact", "[yaml][json]") {
    // Past 64 KiB the writers manage the buffer's growth themselves.
    Node n = Node::map();
    std::string yaml = "# prefix\n";
    std::string json = "{\n";
    const std::string big(200000, 'x');  // one value longer than the room kept free
    for (int i = 0; i < 200000; ++i) {
        const std::string key = "task-" + std::to_string(i);
        const std::string value = i == 100000 ? big : "value " + std::to_string(i);
        n.set(key, Node::seq({value}));
        yaml += key + ":\n- " + value + "\n";
        json += (i ? ",\n  \"" : "  \"") + key + "\": [\n    \"" + value + "\"\n  ]";
    }
    json += "\n}\n";
    std::string out = "# prefix\n";
    pipecc::doc::append_yaml(out, n);
    CHECK(out.size() == yaml.size());
    CHECK(out == yaml);
    CHECK(to_json(n) == json);
}

TEST_CASE("tricky strings round-trip through yaml-cpp, quoted where a resolver would retype them",
          "[yaml]") {
    const auto corpus = tricky_strings();
    REQUIRE(corpus.size() >= 80);
    REQUIRE(std::set<std::string>(corpus.begin(), corpus.end()).size() == corpus.size());
    for (const std::string& s : corpus) {
        INFO("string hex: " << hex(s));
        const std::string as_value = to_yaml(Node::map().set("key", Node::seq({s})));
        INFO("as value:\n" << as_value);
        const YAML::Node value = YAML::Load(as_value)["key"][0];
        CHECK(value.Scalar() == s);
        if (resolves_to_non_string(s)) CHECK(value.Tag() == "!");

        const std::string as_key = to_yaml(Node::map().set(s, "v").set("after", s));
        INFO("as key:\n" << as_key);
        const YAML::Node doc = YAML::Load(as_key);
        REQUIRE(doc.size() == 2);
        const auto first = doc.begin();
        CHECK(first->first.Scalar() == s);
        CHECK(first->second.Scalar() == "v");
        CHECK(doc["after"].Scalar() == s);
        if (resolves_to_non_string(s)) CHECK(first->first.Tag() == "!");

        const std::string top_level = to_yaml(Node(s));
        INFO("top level:\n" << top_level);
        CHECK(YAML::Load(top_level).Scalar() == s);

        const std::string nested = to_yaml(Node::seq(
            {Node::map().set("a", Node::seq({Node::seq({s}), Node::map().set("b", s)}))}));
        INFO("nested:\n" << nested);
        const YAML::Node a = YAML::Load(nested)[0]["a"];
        CHECK(a[0][0].Scalar() == s);
        CHECK(a[1]["b"].Scalar() == s);
    }
}

TEST_CASE("PyYAML and Python's json read back the same tree", "[yaml][json][python]") {
    if (run("/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1") != 0) {
        WARN("skipped: /usr/bin/python3 with the yaml module is not available");
        return;
    }
    const auto corpus = tricky_strings();
    Node strings = Node::seq();
    Node keys = Node::map();
    std::string expected;
    for (std::size_t i = 0; i < corpus.size(); ++i) {
        strings.push(corpus[i]);
        keys.set(corpus[i], static_cast<int>(i));
        expected += "s " + hex(corpus[i]) + "\n";
    }
    Node floats = Node::seq();
    for (const double d : kFloats) {
        floats.push(d);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%a", d);
        expected += "f "s + buf + "\n";
    }
    Node ints = Node::seq({0, -1, std::numeric_limits<long long>::max(),
                           std::numeric_limits<long long>::min()});
    for (const Node& i : ints.items()) expected += "i " + std::to_string(i.as_int()) + "\n";

    Node tree = Node::map();
    tree.set("strings", std::move(strings)).set("keys", std::move(keys));
    tree.set("floats", std::move(floats)).set("ints", std::move(ints));
    tree.set("nested", Node::seq({Node::map().set("a", Node::seq({Node::seq({true, nullptr})}))}));
    tree.set("deep", Node::map().set("a", Node::seq({Node::map().set("b", tree.entries()[0].value)})));
    Node yaml_only = tree;
    yaml_only.set("special", Node::seq({std::nan(""), std::numeric_limits<double>::infinity(),
                                        -std::numeric_limits<double>::infinity()}));

    const TempDir dir;
    write_file(dir.path() / "tree.yaml", to_yaml(yaml_only, {.sort_keys = true}));
    write_file(dir.path() / "tree.json", to_json(tree));
    write_file(dir.path() / "strings.json", to_json(tree.entries()[0].value));
    write_file(dir.path() / "expected.txt", expected);
    write_file(dir.path() / "check.py", R"PY(
import json, math, sys, yaml
d = sys.argv[1]
strings, floats, ints = [], [], []
for line in open(d + '/expected.txt'):
    kind, _, text = line.rstrip('\n').partition(' ')
    if kind == 's': strings.append(bytes.fromhex(text).decode('utf-8'))
    elif kind == 'f': floats.append(float.fromhex(text))
    else: ints.append(int(text))
expected = {
    'strings': strings,
    'keys': {s: i for i, s in enumerate(strings)},
    'floats': floats,
    'ints': ints,
    'nested': [{'a': [[True, None]]}],
    'deep': {'a': [{'b': strings}]},
}
y = yaml.safe_load(open(d + '/tree.yaml', encoding='utf-8'))
j = json.load(open(d + '/tree.json', encoding='utf-8'))
special = y.pop('special')
ok = True
def fail(msg):
    global ok
    ok = False
    print(msg)
for name, doc in (('yaml', y), ('json', j)):
    if doc != expected:
        fail(name + ' differs from expected')
        for k in expected:
            if doc.get(k) != expected[k]:
                if isinstance(expected[k], list):
                    for i, (a, b) in enumerate(zip(doc.get(k, []), expected[k])):
                        if a != b: fail('  %s[%d]: got %r want %r' % (k, i, a, b))
                else:
                    fail('  %s: got %r' % (k, doc.get(k)))
    for got, want in zip(doc['floats'], floats):
        if type(got) is not float or math.copysign(1, got) != math.copysign(1, want):
            fail('%s float %r read back as %r' % (name, want, got))
    for got in doc['ints']:
        if type(got) is not int: fail('%s int read back as %r' % (name, got))
if not (math.isnan(special[0]) and special[1] == math.inf and special[2] == -math.inf):
    fail('special floats read back as %r' % (special,))
text = open(d + '/strings.json', encoding='utf-8').read()
if text != json.dumps(strings, indent=2, ensure_ascii=False) + '\n':
    fail('JSON text differs from json.dumps(indent=2, ensure_ascii=False)')
sys.exit(0 if ok else 1)
)PY");
    CHECK(run("/usr/bin/python3 " + (dir.path() / "check.py").string() + " " + dir.path().string()) ==
          0);
}

}  // namespace document_writer_test
