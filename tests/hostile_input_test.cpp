// Hostile input: files and pipelines written to break pipecc. Every one must be refused with a
// pipecc::Error (never an InternalError, another exception, a crash or a hang) that names the
// right place (file:line:column, or pipeline/task/input) in words a user can act on. The
// mistakes the other test files cover one by one appear here in shapes they do not.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "pipecc/dsl/load_component.hpp"
#include "test_support.hpp"
#include "tools/subprocess.hpp"

namespace hostile_input_test {

using namespace pipecc;
using Catch::Contains;
using test::component;
using test::error_of;
using test::consumer;

namespace {

// --- component files -------------------------------------------------------------------------------

// A component file that must be refused: the place of the error and a phrase of its message.
struct BadFile {
    const char* what;
    std::string yaml;
    int line;
    int column;
    const char* phrase;
};

// Loads `b.yaml` as "hostile.yaml": it must fail within two seconds with a pipecc::Error at
// `b.line`:`b.column` whose message contains `b.phrase`.
void check_refused(const BadFile& b) {
    const auto start = std::chrono::steady_clock::now();
    const auto err = error_of([&] { (void)load_component_text(b.yaml, "hostile.yaml"); });
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    REQUIRE(err);
    INFO(err->what());
    CHECK(err->where().file == "hostile.yaml");
    CHECK(err->where().line == b.line);
    CHECK(err->where().column == b.column);
    CHECK(err->where().pipeline.empty());
    CHECK_THAT(err->message(), Contains(b.phrase));
    CHECK_THAT(err->what(), Contains("hostile.yaml:" + std::to_string(b.line) + ":" + std::to_string(b.column)));
    CHECK(took.count() < 2.0);
}

void check_all(const std::vector<BadFile>& cases) {
    for (const auto& b : cases) {
        DYNAMIC_SECTION(b.what) { check_refused(b); }
    }
}

const std::string kImpl = "implementation: {container: {image: alpine}}\n";

// `n` levels of `open`, a scalar, then `n` of `close`.
std::string nested(int n, const std::string& open, const std::string& close) {
    std::string s;
    s.reserve(static_cast<std::size_t>(n) * (open.size() + close.size()) + 1);
    for (int i = 0; i < n; ++i) s += open;
    s += "x";
    for (int i = 0; i < n; ++i) s += close;
    return s;
}

// The "billion laughs" shape with maps: each level is a map of `fan` aliases of the one before.
std::string map_bomb(int levels, int fan) {
    std::string y = "name: t\ndescription: d\nl0: &l0 {k: lol}\n";
    for (int i = 1; i <= levels; ++i) {
        y += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " {";
        for (int k = 0; k < fan; ++k) y += (k ? ", k" : "k") + std::to_string(k) + ": *l" + std::to_string(i - 1);
        y += "}\n";
    }
    return y + kImpl;
}

// A two-way fan-out, 60 levels deep: 2^60 nodes once expanded.
std::string binary_bomb() {
    std::string y = "name: t\nimplementation:\n  container:\n    image: alpine\n    args:\n    - &b0 [lol, lol]\n";
    for (int i = 1; i <= 60; ++i) {
        y += "    - &b" + std::to_string(i) + " [*b" + std::to_string(i - 1) + ", *b" + std::to_string(i - 1) + "]\n";
    }
    return y;
}

// The same bomb inside a KFP v2 component file.
std::string ir_bomb() {
    std::string y = "pipelineInfo: {name: c}\ncomponents:\n  comp-c: {executorLabel: exec-c}\ndeploymentSpec:\n"
                    "  executors:\n    exec-c:\n      container:\n        image: alpine\n        args:\n"
                    "        - &a0 [a, a, a, a, a, a, a, a]\n";
    for (int i = 1; i <= 7; ++i) {
        y += "        - &a" + std::to_string(i) + " [";
        for (int k = 0; k < 8; ++k) y += (k ? ", *a" : "*a") + std::to_string(i - 1);
        y += "]\n";
    }
    return y;
}

}  // namespace

TEST_CASE("hostile YAML: malformed syntax is refused at the place it goes wrong", "[hostile][components]") {
    check_all({
        {"unclosed double quote", "name: \"train\nimplementation: {container: {image: alpine}}\n", 1, 7,
         "a quoted string has no closing quote"},
        {"unclosed single quote at the end", "name: t\ndescription: 'it never ends\n", 2, 14,
         "a quoted string has no closing quote"},
        {"unclosed flow map", "name: t\nimplementation: {container: {image: alpine}\n", 2, 17,
         "a '{' map has no closing '}'"},
        {"unclosed flow list in args",
         "name: t\nimplementation:\n  container:\n    image: alpine\n    args: [--a, --b\n", 5, 11,
         "a '[' list has no closing ']'"},
        {"a value less indented than its key", "name: t\nimplementation:\n  container:\n    image: alpine\n   command: [x]\n",
         5, 4, "check the indentation"},
        {"a tab after spaces", "name: t\nimplementation:\n  container:\n  \timage: alpine\n", 4, 3,
         "a tab indents this line"},
        {"two values on one key", "name: t: u\n" + kImpl, 1, 8, "a ':' where no map can start"},
        {"an alias to no anchor", "name: *missing\n" + kImpl, 1, 7, "an alias (*name) refers to no anchor (&name)"},
        {"a stray closing bracket", "name: t\n]\n" + kImpl, 2, 1, "a ']' or '}' that closes no '[' list or '{' map"},
        {"a quote left open before valid YAML", kImpl + "name: 'train\n", 2, 7, "a quoted string has no closing quote"},
    });
}

TEST_CASE("hostile YAML: alias bombs are refused quickly", "[hostile][components]") {
    check_all({
        {"billion laughs with maps", map_bomb(9, 10), 3, 5, "(aliases count each time they are used)"},
        {"a two-way fan-out 60 levels deep", binary_bomb(), 8, 7, "(aliases count each time they are used)"},
        {"a bomb in a KFP v2 component's args", ir_bomb(), 10, 22, "(aliases count each time they are used)"},
    });
}

TEST_CASE("hostile YAML: deep nesting, huge text and bad bytes are refused without a crash", "[hostile][components]") {
    const std::string deep_lists = "name: t\ndescription: " + nested(10'000, "[", "]") + "\n" + kImpl;
    const std::string deep_maps = "name: t\ndescription: " + nested(10'000, "{a: ", "}") + "\n" + kImpl;
    const std::string deep_blocks = "name: t\ndescription:\n  " + nested(10'000, "- ", "") + "\n" + kImpl;
    std::string huge = "name: t\ndescription: ";
    huge.append(50u << 20, 'x');
    huge += "\n" + kImpl;
    std::string big_quoted = "name: t\ndescription: \"";
    big_quoted.append(3u << 20, 'y');
    big_quoted += "\"\n" + kImpl;
    const std::vector<BadFile> cases = {
        {"10,000 nested lists", deep_lists, 2, 77, "nested more than 64 levels deep"},
        {"10,000 nested maps", deep_maps, 2, 266, "nested more than 64 levels deep"},
        {"10,000 nested block lists on one line", deep_blocks, 3, 129, "nested more than 64 levels deep"},
        {"a 50 MB scalar", huge, 1, 1, "the file is larger than 8 MiB"},
        {"a 3 MB quoted string", big_quoted, 2, 14, "a string longer than 1 MiB"},
        {"an overlong encoding of '/'", "name: t\ndescription: a\xC0\xAF" "b\n" + kImpl, 2, 15, "the file is not UTF-8"},
        {"a UTF-16 surrogate in UTF-8", "name: \xED\xA0\x80\n" + kImpl, 1, 7, "an invalid code point"},
        {"a sequence cut off at the end", "name: t\n" + kImpl + "# caf\xC3", 3, 6, "a multi-byte sequence is cut off"},
        {"a UTF-16 file", std::string("\xFF\xFEn\0a\0", 6), 1, 1, "the file is not UTF-8"},
        {"a NUL byte in a key", std::string("na\0me: t\n", 9) + kImpl, 1, 3, "control character U+0000"},
        {"an escape naming a lone surrogate", "name: \"\\ud800\"\n" + kImpl, 1, 14,
         "a \\u or \\U escape that names no Unicode character"},
        // std::regex once matched type names, recursing once per letter: SIGSEGV.
        {"a 300,000-letter google.* type", "name: t\ninputs:\n- {name: a, type: google." + std::string(300'000, 'x') + "}\n" + kImpl,
         3, 19, "(Google Cloud Pipeline Components) is not supported"},
    };
    // No sections: Catch would build the big inputs again for each.
    for (const auto& b : cases) {
        INFO(b.what);
        check_refused(b);
    }
}

TEST_CASE("hostile YAML: names that collide once sanitised, and placeholders in literal text", "[hostile][components]") {
    check_all({
        {"outputs that sanitise alike", "name: t\noutputs:\n- {name: Out-Put}\n- {name: out put}\n" + kImpl, 4, 10,
         "both become 'out_put'"},
        {"an input named only by symbols", "name: t\ninputs:\n- {name: '***'}\n" + kImpl, 3, 10, "input name '***' has no letters or digits"},
        {"'{{' in the image", "name: t\nimplementation: {container: {image: 'repo/{{workflow.name}}'}}\n", 2, 37,
         "the image 'repo/{{workflow.name}}' contains '{{'"},
        {"'{{' in a concat piece",
         "name: t\ninputs:\n- {name: x}\nimplementation:\n  container:\n    image: alpine\n"
         "    args: [{concat: ['{{x}}', {inputValue: x}]}]\n",
         7, 22, "literal text contains '{{'"},
        {"'{{' in a KFP v2 command",
         "pipelineInfo: {name: c}\ncomponents:\n  comp-c: {executorLabel: exec-c}\ndeploymentSpec:\n  executors:\n"
         "    exec-c:\n      container:\n        image: alpine\n        command: [echo, '{{inputs.parameters.x}}']\n",
         9, 25, "'{{'"},
    });
}

// Inputs the component loader fuzzer (fuzz/component_loader_fuzz.cpp) found, reduced by hand.
TEST_CASE("hostile YAML: fuzzer findings", "[hostile][components][fuzz]") {
    check_all({
        // Loaded, but its export, where KFP expands such text, did not load back.
        {"literal text that KFP would expand as a Concat",
         "name: t\nimplementation:\n  container:\n    image: alpine\n    command: [sh, -c, '{\"Concat\": x']\n", 5, 23,
         "literal text starts like {\"Concat\": ...}"},
    });
}

TEST_CASE("hostile YAML: a default with a line break keeps the export's header a comment", "[hostile][components][fuzz]") {
    // Found by component_loader_fuzz: the line break ended the header's comment line, so the
    // export was no YAML.
    const Component c = load_component_text(
        "name: t\ninputs:\n- {name: opts, type: String, default: 'a\n\n  b'}\nimplementation: {container: {image: alpine}}\n",
        "t.yaml");
    const std::string exported = export_component(c);
    CHECK_THAT(exported, Catch::Contains("#    opts: str [Default: 'a\n#      b']\n"));
    const Component back = load_component_text(exported, "exported.yaml");
    CHECK(back.spec()->inputs.at(0).default_value->as_string() == "a\nb");
}

// --- pipelines -------------------------------------------------------------------------------------

namespace {

// A pipeline that must be refused: where (task and input; the pipeline is always "hostile") and a
// phrase of the message. `build` may throw itself: some mistakes are caught as they are made.
struct BadPipeline {
    const char* what;
    std::function<void(Pipeline&)> build;
    const char* task;
    const char* input;
    const char* phrase;
};

Component producer() {
    return component("producer").output<String>("text").output<Int>("count").output<Float>("ratio").output<Dataset>(
        "data");
}

// Checks `b`: its error, the same on both targets, is a pipecc::Error at the expected place.
void check_refused(const BadPipeline& b) {
    std::optional<Error> errors[2];
    int i = 0;
    for (const Engine engine : {Engine::kfp(), Engine::argo()}) {
        errors[i++] = error_of([&] {
            Pipeline p("hostile");
            b.build(p);
            (void)compile(p, {.engine = engine});
        });
    }
    REQUIRE(errors[0]);
    REQUIRE(errors[1]);
    const Error& err = *errors[0];
    INFO(err.what());
    CHECK(std::string(errors[1]->what()) == err.what());
    CHECK(err.where().file.empty());
    CHECK(err.where().pipeline == "hostile");
    CHECK(err.where().task == b.task);
    CHECK(err.where().input == b.input);
    CHECK_THAT(err.message(), Contains(b.phrase));
}

void check_all(const std::vector<BadPipeline>& cases) {
    for (const auto& b : cases) {
        DYNAMIC_SECTION(b.what) { check_refused(b); }
    }
}

}  // namespace

TEST_CASE("hostile pipelines: names that collide", "[hostile][dsl]") {
    check_all({
        {"tasks Train_Model and train-model",
         [](Pipeline& p) {
             p.add(component("c"), "Train_Model");
             p.add(component("c"), "train-model");
         },
         "", "", "tasks 'Train_Model' and 'train-model' both become 'train-model'"},
        {"a hook task named like a body task",
         [](Pipeline& p) {
             p.add(component("c"), "notify");
             p.on_exit(component("c"), "NOTIFY");
         },
         "", "", "both become 'notify'"},
        {"tasks Model.Eval and model_eval",
         [](Pipeline& p) {
             p.add(component("c"), "Model.Eval");
             p.add(component("c"), "model_eval");
         },
         "", "", "tasks 'Model.Eval' and 'model_eval' both become 'model-eval'"},
        {"a parameter declared twice with different types",
         [](Pipeline& p) {
             auto a = p.param<String>("rate");
             auto b = p.param<Float>("rate");
             p.add(component("c").input<String>("x").input<Float>("y"), "t").arg("x", a).arg("y", b);
         },
         "", "", "parameter 'rate' is declared twice"},
        {"a component input declared twice with different types",
         [](Pipeline& p) { p.add(component("c").input<String>("x").input<Int>("x"), "t").arg("x", "v"); }, "", "",
         "input 'x' is declared twice"},
        {"a parameter name with a space",
         [](Pipeline& p) {
             auto a = p.param<String>("learning rate");
             p.add(component("c").input<String>("x"), "t").arg("x", a);
         },
         "", "", "name 'learning rate' is not valid"},
    });
}

TEST_CASE("hostile pipelines: cycles, type mismatches and missing inputs", "[hostile][dsl]") {
    check_all({
        {"a four-task cycle through after()",
         [](Pipeline& p) {
             Task a = p.add(component("c"), "a");
             Task b = p.add(component("c"), "b");
             Task c = p.add(component("c"), "c");
             Task d = p.add(component("c"), "d");
             b.after(a);
             c.after(b);
             d.after(c);
             a.after(d);
         },
         "a", "", "tasks form a cycle"},
        {"a cycle mixing data and after()",
         [](Pipeline& p) {
             Task a = p.add(producer(), "a");
             Task b = p.add(component("c").input<String>("x"), "b").arg("x", a.output<String>("text"));
             a.after(b);
         },
         "a", "", "tasks form a cycle"},
        {"a body task after a hook task",
         [](Pipeline& p) {
             Task h = p.on_exit(component("c"), "cleanup");
             p.add(component("c"), "work").after(h);
         },
         "work", "", "cannot run after hook task 'cleanup'"},
        {"a Float output into an Int input",
         [](Pipeline& p) {
             Task a = p.add(producer(), "a");
             p.add(component("c").input<Int>("n"), "b").arg("n", a.output<Float>("ratio"));
         },
         "b", "n", "expects Int but gets Float"},
        {"a Bool literal into a String input",
         [](Pipeline& p) { p.add(component("c").input<String>("s"), "b").arg("s", true); }, "b", "s",
         "expects String but gets Bool"},
        {"a Dataset into a String input",
         [](Pipeline& p) {
             Task a = p.add(producer(), "a");
             p.add(component("c").input<String>("s"), "b").arg("s", a.output<Dataset>("data"));
         },
         "b", "s", "expects String but gets Dataset"},
        {"a List into a Struct input",
         [](Pipeline& p) {
             p.add(component("c").input<Struct>("cfg"), "b").arg("cfg", Value<List>(nlohmann::json::array({1})));
         },
         "b", "cfg", "expects Struct but gets List"},
        {"a timestamp into an Int input",
         [](Pipeline& p) { p.add(component("c").input<Int>("n"), "b").arg("n", run::created_at()); }, "b", "n",
         "expects Int but gets Timestamp"},
        {"a String parameter into a Model input",
         [](Pipeline& p) {
             auto s = p.param<String>("uri");
             p.add(component("c").input<Model>("m"), "b").arg("m", s);
         },
         "b", "m", "expects Model but gets String"},
        {"a required input of a hook task left unbound",
         [](Pipeline& p) {
             p.add(component("c"), "work");
             p.on_failure(component("alert").input<String>("channel"), "alert");
         },
         "alert", "channel", "required input of component 'alert' is not bound"},
        {"an artifact input left unbound",
         [](Pipeline& p) { p.add(component("train").input<Dataset>("data"), "train"); }, "train", "data",
         "required input of component 'train' is not bound"},
    });
}

TEST_CASE("hostile pipelines: time zones and run-time values out of scope", "[hostile][dsl]") {
    check_all({
        {"an unknown zone for the schedule",
         [](Pipeline& p) {
             p.schedule("0 6 * * *", "Mars/Olympus_Mons");
             p.add(component("c"), "t");
         },
         "", "", "unknown time zone 'Mars/Olympus_Mons'"},
        {"a zone that escapes the tz database",
         [](Pipeline& p) {
             p.add(component("c").input<String>("x"), "t")
                 .arg("x", run::created_at().in_zone("Asia/../../../etc/passwd").format("%H"));
         },
         "t", "x", "is not an IANA time zone name"},
        {"a zone with a newline",
         [](Pipeline& p) {
             p.schedule("0 6 * * *", "Asia/Tokyo\n0 7 * * *");
             p.add(component("c"), "t");
         },
         "", "", "is not an IANA time zone name"},
        {"status() in a body task, inside a concat",
         [](Pipeline& p) {
             p.add(component("c").input<String>("x"), "t").arg("x", concat("was ", run::status(), "!"));
             p.on_exit(component("done"), "done");
         },
         "t", "x", "run::status() is only known once the run ends"},
        {"failures() in a body task next to a hook",
         [](Pipeline& p) {
             p.add(component("c").input<String>("x"), "t").arg("x", run::failures());
             p.on_failure(component("c").input<String>("x"), "report").arg("x", run::status());
         },
         "t", "x", "run::failures() is only known once the run ends"},
        {"a body task reading a hook task's output",
         [](Pipeline& p) {
             Task h = p.on_exit(producer(), "h");
             p.add(component("c").input<String>("x"), "t").arg("x", h.output<String>("text"));
         },
         "t", "x", "reads an output of hook task 'h'"},
        {"a run value as a parameter default",
         [](Pipeline& p) {
             auto s = p.param<String>("day", run::name());
             p.add(component("c").input<String>("x"), "t").arg("x", s);
         },
         "", "", "the default of parameter 'day' must be a literal"},
    });
}

TEST_CASE("hostile pipelines: '{{' in literal text", "[hostile][dsl]") {
    check_all({
        {"in a concat of a task argument",
         [](Pipeline& p) {
             auto root = p.param<String>("root");
             p.add(component("c").input<String>("x"), "t").arg("x", concat(root, "/{{inputs.parameters.x}}"));
         },
         "t", "x", "literal text contains '{{'"},
        {"in a hook task's argument",
         [](Pipeline& p) {
             p.add(component("c"), "work");
             p.on_exit(component("c").input<String>("x"), "done").arg("x", "{{workflow.status}}");
         },
         "done", "x", "literal text contains '{{'"},
        {"in a component's command",
         [](Pipeline& p) { p.add(Component("c").image("alpine").command({"echo", "{{$.pipeline_job_name}}"}), "t"); },
         "", "", "literal text contains '{{'"},
    });
}

TEST_CASE("hostile pipelines: absurd resource quantities and cron strings", "[hostile][dsl]") {
    check_all({
        {"memory 1e999", [](Pipeline& p) { p.add(component("c"), "t").memory_request("1e999"); }, "t", "",
         "memory request '1e999'"},
        {"memory -5Gi", [](Pipeline& p) { p.add(component("c"), "t").memory_limit("-5Gi"); }, "t", "",
         "memory limit '-5Gi' is not a Kubernetes quantity"},
        {"memory lots", [](Pipeline& p) { p.add(component("c"), "t").memory_request("lots"); }, "t", "",
         "memory request 'lots' is not a Kubernetes quantity"},
        {"cpu with two dots", [](Pipeline& p) { p.add(component("c"), "t").cpu_limit("1..5"); }, "t", "",
         "cpu limit '1..5' is not a Kubernetes quantity"},
        {"cpu with a trailing space", [](Pipeline& p) { p.add(component("c"), "t").cpu_request("1 "); }, "t", "",
         "cpu request '1 ' is not a Kubernetes quantity"},
        {"cpu nan", [](Pipeline& p) { p.add(component("c"), "t").cpu_request("nan"); }, "t", "",
         "cpu request 'nan' is not a Kubernetes quantity"},
        {"memory with 400 digits",
         [](Pipeline& p) { p.add(component("c"), "t").memory_request(std::string(400, '9')); }, "t", "",
         "is not a Kubernetes quantity"},
        {"an ephemeral volume of 1e999 bytes",
         [](Pipeline& p) { p.add(component("c"), "t").ephemeral_volume("scratch", "/scratch", "1e999"); }, "t", "",
         "ephemeral volume size '1e999'"},
        {"cron minute 61",
         [](Pipeline& p) {
             p.schedule("61 6 * * *");
             p.add(component("c"), "t");
         },
         "", "", "cron minute field '61': values must lie from 0 to 59"},
        {"cron with 6 fields (seconds first)",
         [](Pipeline& p) {
             p.schedule("*/5 * * * * *");
             p.add(component("c"), "t");
         },
         "", "", "has 6 fields"},
        {"an empty cron",
         [](Pipeline& p) {
             p.schedule("", "Asia/Tokyo");
             p.add(component("c"), "t");
         },
         "", "", "has 0 fields"},
        {"a cron list with one bad item",
         [](Pipeline& p) {
             p.schedule("0,15,30,61 * * * *");
             p.add(component("c"), "t");
         },
         "", "", "cron minute field '0,15,30,61'"},
        {"a cron hour too large for any integer",
         [](Pipeline& p) {
             p.schedule("0 99999999999999999999 * * *");
             p.add(component("c"), "t");
         },
         "", "", "cron hour field '99999999999999999999'"},
        {"two crons on two lines",
         [](Pipeline& p) {
             p.schedule("0 6 * * *\n0 7 * * *");
             p.add(component("c"), "t");
         },
         "", "", "has 10 fields"},
    });
}

// --- output files ----------------------------------------------------------------------------------

namespace {

// Bytes no compiler writes, so a partial or repeated write would show.
const std::string kPrevious = std::string("previous\0output\xFF\n", 17) + std::string(4096, 'p');

// The names in `dir`, sorted.
std::vector<std::string> entries(const std::filesystem::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

void write_previous(const std::string& path) { std::ofstream(path, std::ios::binary) << kPrevious; }


}  // namespace

TEST_CASE("hostile output: a failing pipeline program leaves the output byte-identical and no temporary file",
          "[hostile][atomic]") {
    test::TempDir dir("pipecc-hostile");
    const std::string out = dir / "daily.kfp.json";
    // A check error, and an error only the KFP backend raises (a schedule in JSON), after the
    // checks passed.
    const std::function<Pipeline()> unchecked = [] {
        Pipeline p("hostile");
        p.add(component("c").input<String>("x"), "t");
        return p;
    };
    const std::function<Pipeline()> late = [] {
        Pipeline p("hostile");
        p.schedule("0 6 * * *");
        p.add(component("c"), "t");
        return p;
    };
    const std::function<Pipeline()> throws = []() -> Pipeline { throw Error("refused while building"); };
    for (const auto& [what, factory, args] :
         std::vector<std::tuple<const char*, std::function<Pipeline()>, std::vector<std::string>>>{
             {"a check error", unchecked, {"-o", out}},
             {"a backend error", late, {"--format", "json", "-o", out}},
             {"an error while building", throws, {"--target", "argo", "-o", out}},
             {"an error before drawing", unchecked, {"--graph", "dot", "-o", out}},
         }) {
        DYNAMIC_SECTION(what) {
            write_previous(out);
            CHECK(test::run_pipeline_program(args, factory).code == 1);
            CHECK(test::read_whole_file(out) == kPrevious);
            CHECK(entries(dir.path()) == std::vector<std::string>{"daily.kfp.json"});
        }
    }
}

TEST_CASE("hostile output: the pipecc tool leaves the output byte-identical and no temporary file on an error",
          "[hostile][atomic][cli]") {
    test::TempDir dir("pipecc-hostile-cli");
    const std::string out = dir / "out.yaml";
    const std::string bad_component = dir / "bad.yaml";
    std::ofstream(bad_component, std::ios::binary) << "name: t\nimplementation: {container: {image: 'a{{b}}'}}\n";
    const std::string bad_pipeline = dir / "bad.kfp.yaml";
    std::ofstream(bad_pipeline, std::ios::binary) << "pipelineInfo: {name: p}\nroot: [\n";
    for (const auto& [what, argv] : std::vector<std::pair<const char*, std::vector<std::string>>>{
             {"component export of a refused file", {PIPECC_CLI, "component", "export", bad_component, "-o", out}},
             {"component convert of a missing file",
              {PIPECC_CLI, "component", "convert", dir / "missing.yaml", "--to", "kfp", "-o", out}},
             {"graph of a malformed pipeline", {PIPECC_CLI, "graph", bad_pipeline, "--format", "dot", "-o", out}},
         }) {
        DYNAMIC_SECTION(what) {
            write_previous(out);
            const auto r = test::run_process(argv);
            INFO(r.err);
            CHECK((r.exit_code == 1 || r.exit_code == 2));
            CHECK_THAT(r.err, Contains("error:"));
            CHECK(test::read_whole_file(out) == kPrevious);
            CHECK(entries(dir.path()) == std::vector<std::string>{"bad.kfp.yaml", "bad.yaml", "out.yaml"});
        }
    }
}

// Found by the hostile-input review: each of these used to reach an engine, or the writers,
// unchecked (or crash the program).
TEST_CASE("hostile pipelines: text engines would misread or writers cannot write", "[hostile]") {
    auto message_of = [](Pipeline& p) -> std::string {
        auto err = error_of([&] { (void)check(p); });
        REQUIRE(err);
        return err->what();
    };
    SECTION("'{{' made by two literal pieces of a concat") {
        Pipeline p("p");
        p.add(consumer()).arg("x", concat("{", "{workflow.uid}}"));
        CHECK_THAT(message_of(p), Contains("input 'x'") && Contains("literal text contains '{{'"));
    }
    SECTION("'{{' in an image, an env value, a parameter default and a display name") {
        Pipeline image("p");
        image.add(Component("c").image("alpine:{{x}}").command({"true"}));
        CHECK_THAT(message_of(image), Contains("component 'c'") && Contains("'{{'"));
        Pipeline env("p");
        env.add(component("c")).env("A", "{{workflow.name}}");
        CHECK_THAT(message_of(env), Contains("env var A") && Contains("'{{'"));
        Pipeline param("p");
        param.param<String>("x", "{{y}}");
        param.add(component("c"));
        CHECK_THAT(message_of(param), Contains("default of parameter 'x'") && Contains("'{{'"));
        Pipeline shown("p");
        shown.add(component("c")).display_name("{{x}}");
        CHECK_THAT(message_of(shown), Contains("display name") && Contains("'{{'"));
    }
    SECTION("a command item that KFP would expand as a concat") {
        Pipeline p("p");
        p.add(Component("c").image("alpine:3.20").command({"{\"Concat\": [\"a\"]}"}));
        CHECK_THAT(message_of(p), Contains("{\"Concat\": ...}"));
    }
    SECTION("bytes that are not UTF-8 and NUL") {
        Pipeline name("caf\xE9");
        name.add(component("c"));
        CHECK_THAT(message_of(name), Contains("pipeline name: text is not UTF-8"));
        Pipeline shown("p");
        shown.add(component("c")).display_name("caf\xE9");
        CHECK_THAT(message_of(shown), Contains("display name: text is not UTF-8"));
        Pipeline nul("p");
        nul.add(consumer()).arg("x", std::string("a\0b", 3));
        CHECK_THAT(message_of(nul), Contains("input 'x'") && Contains("holds a NUL byte"));
    }
    SECTION("a file of the tz database that is not a zone") {
        Pipeline p("p");
        p.add(consumer()).arg("x", run::created_at().in_zone("zone.tab").format("%H"));
        CHECK_THAT(message_of(p), Contains("unknown time zone 'zone.tab'"));
    }
    SECTION("NaN and infinity") {
        auto err = error_of([] { Value<Float> f = std::nan(""); (void)f; });
        REQUIRE(err);
        CHECK(err->message() == "a Float literal must be finite, not NaN");
        Pipeline p("p");
        auto inf = error_of([&] { p.param<Float>("f", std::numeric_limits<double>::infinity()); });
        REQUIRE(inf);
        CHECK(inf->message() == "a Float literal must be finite, not infinity");
    }
    SECTION("a value nested 2,000 levels deep, and one that reuses itself") {
        Pipeline p("p");
        Value<String> deep = "a";
        for (int i = 0; i < 2'000; ++i) deep = concat(deep, "b");
        p.add(consumer()).arg("x", deep);
        CHECK_THAT(message_of(p), Contains("input 'x'") && Contains("nested more than 1000 levels deep"));
        Pipeline q("q");
        Value<String> wide = "a";
        for (int i = 0; i < 40; ++i) wide = concat(wide, wide);
        q.add(consumer()).arg("x", wide);
        CHECK_THAT(message_of(q), Contains("has more than 1000000 parts"));
    }
    SECTION("retry settings past what engines hold") {
        Pipeline p("p");
        p.add(component("c")).retry(2'000'000'000, std::chrono::seconds(1), 1e308, std::chrono::seconds(INT64_MAX));
        CHECK_THAT(message_of(p), Contains("retry settings are out of range"));
    }
    SECTION("an accelerator type that is not a resource name") {
        Pipeline p("p");
        p.add(component("c")).accelerator("nvidia.com/gpu\n- evil", 1);
        CHECK_THAT(message_of(p), Contains("accelerator type"));
    }
}

}  // namespace hostile_input_test
