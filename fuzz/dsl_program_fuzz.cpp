// Builds random DSL programs from the input bytes and compiles them for every engine family.
//
// Why it exists: a Struct loop item read after its parallel_for passed every check and then
// crashed the emitters (issue 19). Such holes sit between scopes: a value or task handle saved
// in one (a branch, a loop, a nested pipeline, a hook) and used where that scope is not open.
// This target saves everything a program makes, from every scope, and reuses it anywhere later.
//
// Invariants: compiling either throws pipecc::Error (the user's mistake) or returns a file that
// `pipecc validate` accepts for the same engine. Any other exception, a crash, a sanitizer report
// or a validator problem aborts. Set PIPECC_FUZZ_ECHO=1 to print each DSL call as it is made
// (the program of a crashing input, to turn into a Catch2 test).
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>
#include <nlohmann/json.hpp>

#include "pipecc/pipecc.hpp"
#include "validate/validate.hpp"

namespace {

using namespace pipecc;
using nlohmann::json;

// The value types a program handles; a "kind" is an index into this tuple.
using Kinds = std::tuple<String, Int, Float, Bool, List, Struct, Timestamp, Dataset, ArtifactList<Dataset>>;
constexpr std::size_t kKinds = std::tuple_size_v<Kinds>;
constexpr std::size_t kTimestamp = 6, kDataset = 7, kDatasets = 8;
template <std::size_t K>
using TagOf = std::tuple_element_t<K, Kinds>;
// The input of component "step" each kind feeds (a Timestamp feeds a String input as text).
constexpr std::array<const char*, kKinds> kPort{"s", "i", "f", "b", "l", "st", "s", "d", "ds"};
constexpr std::array<const char*, kKinds> kKindName{"String", "Int",       "Float",   "Bool", "List",
                                                   "Struct", "Timestamp", "Dataset", "ArtifactList<Dataset>"};

// Calls f(std::integral_constant<std::size_t, K>) for the run-time kind k.
template <class F>
void with_kind(std::size_t k, F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((k == I ? (f(std::integral_constant<std::size_t, I>{}), 0) : 0), ...);
    }(std::make_index_sequence<kKinds>{});
}

// The kind of a graph type, or kKinds for one the program does not handle.
std::size_t kind_of(graph::Type t) {
    std::size_t found = kKinds;
    for (std::size_t k = 0; k < kKinds; ++k) {
        with_kind(k, [&](auto K) {
            if (TagOf<K>::type == t) found = K;
        });
    }
    return found;
}

// A value kept for later use, and its name in the listing.
template <class T>
struct Saved {
    Value<T> value;
    std::string name;
    // Its parts: concat() of a value with itself, again and again, would grow exponentially.
    std::size_t parts = 1;
};
template <class Tuple>
struct PoolsFor;
template <class... T>
struct PoolsFor<std::tuple<T...>> {
    using type = std::tuple<std::vector<Saved<T>>...>;
};
using Pools = PoolsFor<Kinds>::type;

// An If chain kept open for a later Elif or Else, and the pipeline it belongs to.
struct Chain {
    Branches branches;
    Pipeline pipeline;
    std::string name;
};

Component step_component() {
    Component c("step");
    c.image("alpine:3.20");
    std::vector<Value<String>> command{"sh", "-c", "touch \"$@\"", "step"};
    for (std::size_t k = 0; k < kKinds; ++k) {
        if (k == kTimestamp) continue;
        with_kind(k, [&](auto K) {
            c.optional_input<TagOf<K>>(kPort[K]);
            if constexpr (K != kDatasets) {
                c.output<TagOf<K>>(kPort[K]);
                command.push_back(output_path(kPort[K]));
            }
        });
    }
    c.command(command);
    return c;
}

Component notify_component() {
    return Component("notify").image("alpine:3.20").optional_input<String>("msg").command({"echo", "done"});
}

// Its input has a default, as ignore_upstream_failure() needs.
Component report_component() {
    return Component("report").image("alpine:3.20").input<String>("msg", "none").command({"echo", input_value("msg")});
}

class Program {
public:
    explicit Program(FuzzedDataProvider& in) : in_(in), echo_(std::getenv("PIPECC_FUZZ_ECHO") != nullptr) {}

    Pipeline build() {
        Pipeline p("fuzz");
        say(0, "Pipeline p0(\"fuzz\");");
        pipeline_names_.push_back(p.graph().id);
        body(p, 0);
        return p;
    }

    const std::string& listing() const { return listing_; }
    bool pick_bool() { return in_.ConsumeBool(); }

private:
    static constexpr int kMaxDepth = 4;
    static constexpr int kMaxOps = 48;

    void say(int depth, const std::string& line) {
        const std::string text = std::string(static_cast<std::size_t>(depth) * 2, ' ') + line + '\n';
        listing_ += text;
        if (echo_) std::cerr << text << std::flush;
    }

    std::string fresh(const char* prefix) { return prefix + std::to_string(++names_); }

    // "p0", "p1", ...: the listing's name of the pipeline `p`.
    std::string pname(const Pipeline& p) const {
        for (std::size_t i = 0; i < pipeline_names_.size(); ++i) {
            if (pipeline_names_[i] == p.graph().id) return "p" + std::to_string(i);
        }
        return "p?";
    }

    template <std::size_t K>
    std::vector<Saved<TagOf<K>>>& pool() {
        return std::get<K>(pools_);
    }

    template <std::size_t K>
    std::string save(int depth, Value<TagOf<K>> v, const std::string& made_by, std::size_t parts = 1) {
        std::string name = fresh("v");
        say(depth, "Value<" + std::string(kKindName[K]) + "> " + name + " = " + made_by + ";");
        pool<K>().push_back({std::move(v), name, parts});
        return name;
    }

    // A saved value of kind K from any scope or pipeline, or a literal when none is saved.
    template <std::size_t K>
    std::optional<Saved<TagOf<K>>> pick() {
        auto& saved = pool<K>();
        if (!saved.empty() && in_.ConsumeIntegralInRange<int>(0, 7) != 0) {
            return saved[saved.size() - 1 - in_.ConsumeIntegralInRange<std::size_t>(0, saved.size() - 1)];
        }
        using T = TagOf<K>;
        if constexpr (K == 0) return Saved<T>{"a", "\"a\""};
        if constexpr (K == 1) return Saved<T>{3, "3"};
        if constexpr (K == 2) return Saved<T>{0.5, "0.5"};
        if constexpr (K == 3) return Saved<T>{true, "true"};
        if constexpr (K == 4) return Saved<T>{json::array({"x", "y"}), "json::array({\"x\", \"y\"})"};
        if constexpr (K == 5) return Saved<T>{json{{"a", "x"}}, "json{{\"a\", \"x\"}}"};
        if constexpr (K == kTimestamp) return Saved<T>{run::created_at(), "run::created_at()"};
        return std::nullopt;  // artifacts have no literal
    }

    std::size_t kind(std::size_t last = kKinds - 1) { return in_.ConsumeIntegralInRange<std::size_t>(0, last); }

    // The top level runs until the ops or the bytes run out; a scope's body holds a few ops.
    void body(Pipeline& p, int depth) {
        const int n = depth == 0 ? kMaxOps : in_.ConsumeIntegralInRange(1, 4);
        for (int i = 0; i < n && ops_ < kMaxOps && in_.remaining_bytes() > 0; ++i) {
            ++ops_;
            try {
                op(p, depth);
            } catch (const Error& e) {
                say(depth, "// refused: " + std::string(e.what()));
            }
        }
    }

    void op(Pipeline& p, int depth) {
        const std::string pn = pname(p);
        switch (in_.ConsumeIntegralInRange(0, 15)) {
            case 0: add_step(p, depth); break;
            case 1: add_if(p, depth); break;
            case 2: add_branch(depth); break;
            case 3: add_loop(p, depth); break;
            case 4: add_collected(depth); break;
            case 5: add_one_of(depth); break;
            case 6: add_run_value(depth); break;
            case 7: add_after(depth); break;
            case 8: add_hook(p, depth); break;
            case 9: add_nested(p, depth); break;
            case 10: add_output(p, depth); break;
            case 11: add_param(p, depth); break;
            case 12: {
                auto uri = in_.ConsumeBool() ? pick<0>() : Saved<String>{"gs://b/x.csv", "\"gs://b/x.csv\""};
                Task t = p.importer<Dataset>(uri->value);
                keep_task(depth, t, pn + ".importer<Dataset>(" + uri->name + ")");
                save<kDataset>(depth, t.output<Dataset>("artifact"), task_name_ + ".output<Dataset>(\"artifact\")");
                break;
            }
            case 13: {
                // A component whose command line holds a value of the program, not a placeholder.
                auto s = pick<0>();
                Component c = Component("custom").image("alpine:3.20").command({"echo", s->value});
                say(depth, "Component c = Component(\"custom\").image(\"alpine:3.20\").command({\"echo\", " + s->name + "});");
                keep_task(depth, p.add(c), pn + ".add(c)");
                break;
            }
            case 14:
                if (!chains_.empty()) {
                    chains_.push_back(chains_[in_.ConsumeIntegralInRange<std::size_t>(0, chains_.size() - 1)]);
                    chains_.back().name = fresh("b");
                    say(depth, "Branches " + chains_.back().name + " = <copy of an earlier chain>;");
                }
                break;
            default: {
                auto msg = pick<0>();
                Task t = p.add(report_component());
                t.arg("msg", msg->value).ignore_upstream_failure();
                keep_task(depth, t, pn + ".add(report).arg(\"msg\", " + msg->name + ").ignore_upstream_failure()");
                break;
            }
        }
    }

    void keep_task(int depth, Task t, const std::string& made_by) {
        task_name_ = fresh("t");
        say(depth, "Task " + task_name_ + " = " + made_by + ";");
        tasks_.emplace_back(t, task_name_);
    }

    // Binds a few inputs of `t` with saved values, mostly to the input of their own type.
    void bind_inputs(int depth, Task& t, const std::string& tn, const std::vector<std::pair<std::string, std::size_t>>& inputs) {
        for (const auto& input : inputs) {
            if (!in_.ConsumeBool()) continue;
            const std::size_t k = in_.ConsumeIntegralInRange(0, 15) == 0 ? kind() : input.second;
            with_kind(k, [&](auto K) {
                if (auto v = pick<K>()) {
                    say(depth, tn + ".arg(\"" + input.first + "\", " + v->name + ");");
                    t.arg(input.first, v->value);
                }
            });
        }
    }

    void add_step(Pipeline& p, int depth) {
        static const Component step = step_component();
        Task t = p.add(step);
        keep_task(depth, t, pname(p) + ".add(step)");
        const std::string tn = task_name_;
        std::vector<std::pair<std::string, std::size_t>> inputs;
        for (std::size_t k = 0; k < kKinds; ++k) {
            if (k != kTimestamp) inputs.emplace_back(kPort[k], k);
        }
        bind_inputs(depth, t, tn, inputs);
        for (std::size_t k = 0; k <= kDataset; ++k) {
            if (k == kTimestamp || !in_.ConsumeBool()) continue;
            with_kind(k, [&](auto K) {
                if constexpr (K != kTimestamp && K != kDatasets) {
                    save<K>(depth, t.output<TagOf<K>>(kPort[K]),
                            tn + ".output<" + kKindName[K] + ">(\"" + kPort[K] + "\")");
                }
            });
        }
    }

    Condition condition(std::string& text, int nesting = 0) {
        switch (in_.ConsumeIntegralInRange(0, nesting < 2 ? 5 : 3)) {
            case 0: {
                auto v = pick<0>();
                text = v->name + " == \"a\"";
                return v->value == "a";
            }
            case 1: {
                auto v = pick<1>();
                text = v->name + " > 1";
                return v->value > 1;
            }
            case 2: {
                auto v = pick<2>();
                text = v->name + " < 0.5";
                return v->value < 0.5;
            }
            case 3: {
                auto v = pick<3>();
                text = v->name;
                return v->value;
            }
            case 4: {
                Condition c = condition(text, nesting + 1);
                text = "!(" + text + ")";
                return !c;
            }
            default: {
                std::string a, b;
                Condition ca = condition(a, nesting + 1);
                Condition cb = condition(b, nesting + 1);
                const bool both = in_.ConsumeBool();
                text = "(" + a + (both ? ") && (" : ") || (") + b + ")";
                return both ? ca && cb : ca || cb;
            }
        }
    }

    void add_if(Pipeline& p, int depth) {
        if (depth >= kMaxDepth) return;
        std::string text;
        const Condition c = condition(text);
        const std::string name = fresh("b");
        say(depth, "Branches " + name + " = " + pname(p) + ".If(" + text + ", [&] {");
        Branches b = p.If(c, [&] { body(p, depth + 1); });
        say(depth, "});");
        chains_.push_back({b, p, name});
        const std::size_t chain = chains_.size() - 1;
        for (int n = in_.ConsumeIntegralInRange(0, 3); n > 0; --n) add_branch(depth, chain);
    }

    // An Elif or Else on a kept chain, made from wherever the program is now.
    void add_branch(int depth, std::optional<std::size_t> which = std::nullopt) {
        if (chains_.empty() || depth >= kMaxDepth) return;
        // A deque: a body may keep new chains while this one is in use.
        Chain& chain = chains_[which ? *which : in_.ConsumeIntegralInRange<std::size_t>(0, chains_.size() - 1)];
        Pipeline p = chain.pipeline;
        if (in_.ConsumeBool()) {
            std::string text;
            const Condition c = condition(text);
            say(depth, chain.name + ".Elif(" + text + ", [&] {");
            chain.branches.Elif(c, [&] { body(p, depth + 1); });
        } else {
            say(depth, chain.name + ".Else([&] {");
            chain.branches.Else([&] { body(p, depth + 1); });
        }
        say(depth, "});");
    }

    static json literal_items(std::size_t k) {
        switch (k) {
            case 0: return json::array({"a", "b"});
            case 1: return json::array({1, 2});
            case 2: return json::array({0.5, 1.5});
            case 3: return json::array({true, false});
            case 4: return json::array({json::array({"a"}), json::array({"b", "c"})});
            default:
                return json::array({json{{"a", "x"}, {"n", 1}, {"xs", json::array({"p"})}},
                                    json{{"a", "y"}, {"n", 2}, {"xs", json::array({"q", "r"})}}});
        }
    }

    void add_loop(Pipeline& p, int depth) {
        if (depth >= kMaxDepth) return;
        const std::size_t item_kind = kind(5);
        if (in_.ConsumeIntegralInRange(0, 5) == 0) {
            auto items = pick<kDatasets>();
            if (!items) return;  // no list of datasets saved, or the pick fell on a literal, which artifacts lack
            say(depth, pname(p) + ".parallel_for<Dataset>(" + items->name + ", [&](const Value<Dataset>& item) {");
            p.parallel_for<Dataset>(items->value, [&](const Value<Dataset>& item) {
                save<kDataset>(depth + 1, item, "item");
                body(p, depth + 1);
            });
            say(depth, "});");
            return;
        }
        std::optional<Saved<List>> items;
        if (in_.ConsumeBool()) {
            const std::size_t literal_kind = in_.ConsumeIntegralInRange(0, 7) == 0 ? kind(5) : item_kind;
            items = Saved<List>{literal_items(literal_kind), literal_items(literal_kind).dump()};
        } else {
            items = pick<4>();
        }
        with_kind(item_kind, [&](auto K) {
            if constexpr (K <= 5) {
                using T = TagOf<K>;
                say(depth, pname(p) + ".parallel_for<" + kKindName[K] + ">(" + items->name +
                               ", [&](const Value<" + kKindName[K] + ">& item) {");
                Loop loop = p.parallel_for<T>(items->value, [&](const Value<T>& item) {
                    const std::string name = save<K>(depth + 1, item, "item");
                    if constexpr (K == 5) {
                        save<0>(depth + 1, item.template field<String>("a"), name + ".field<String>(\"a\")");
                        save<1>(depth + 1, item.template field<Int>("n"), name + ".field<Int>(\"n\")");
                        save<4>(depth + 1, item.template field<List>("xs"), name + ".field<List>(\"xs\")");
                    }
                    body(p, depth + 1);
                });
                say(depth, "});");
                if (in_.ConsumeBool()) {
                    say(depth, "// .parallelism(2)");
                    loop.parallelism(2);
                }
            }
        });
    }

    void add_collected(int depth) {
        const std::size_t k = kind(kDataset);
        with_kind(k, [&](auto K) {
            if constexpr (K == kDataset) {
                if (auto v = pick<K>()) save<kDatasets>(depth, collected(v->value), "collected(" + v->name + ")");
            } else if constexpr (K < kTimestamp) {
                if (auto v = pick<K>()) save<4>(depth, collected(v->value), "collected(" + v->name + ")");
            }
        });
    }

    void add_one_of(int depth) {
        with_kind(kind(5), [&](auto K) {
            if constexpr (K <= 5) {
                auto a = pick<K>();
                auto b = pick<K>();
                if (in_.ConsumeBool()) {
                    save<K>(depth, one_of(a->value, b->value), "one_of(" + a->name + ", " + b->name + ")");
                } else {
                    auto c = pick<K>();
                    save<K>(depth, one_of(a->value, b->value, c->value),
                            "one_of(" + a->name + ", " + b->name + ", " + c->name + ")");
                }
            }
        });
    }

    void add_run_value(int depth) {
        switch (in_.ConsumeIntegralInRange(0, 10)) {
            case 0: save<0>(depth, run::name(), "run::name()"); break;
            case 1: save<0>(depth, run::id(), "run::id()"); break;
            case 2: save<0>(depth, run::task_name(), "run::task_name()"); break;
            case 3: save<0>(depth, run::status(), "run::status()"); break;
            case 4: save<0>(depth, run::failures(), "run::failures()"); break;
            case 5: save<kTimestamp>(depth, run::created_at(), "run::created_at()"); break;
            case 6: save<kTimestamp>(depth, run::scheduled_at().in_zone("Asia/Tokyo"), "run::scheduled_at().in_zone(\"Asia/Tokyo\")"); break;
            case 7: {
                auto t = pick<kTimestamp>();
                save<0>(depth, t->value.format("%Y%m%d"), t->name + ".format(\"%Y%m%d\")");
                break;
            }
            case 8: {
                auto a = pick<0>();
                auto b = pick<0>();
                if (a->parts + b->parts > 64) break;
                save<0>(depth, concat(a->value, "-", b->value), "concat(" + a->name + ", \"-\", " + b->name + ")",
                        a->parts + b->parts);
                break;
            }
            case 9: {
                auto n = pick<1>();
                save<0>(depth, to_string(n->value), "to_string(" + n->name + ")");
                break;
            }
            default: {
                auto f = pick<3>();
                save<0>(depth, to_string(f->value), "to_string(" + f->name + ")");
                break;
            }
        }
    }

    void add_after(int depth) {
        if (tasks_.empty()) return;
        auto pick_task = [&] { return tasks_[in_.ConsumeIntegralInRange<std::size_t>(0, tasks_.size() - 1)]; };
        auto [a, an] = pick_task();
        auto [b, bn] = pick_task();
        say(depth, an + ".after(" + bn + ");");
        a.after(b);
    }

    void add_hook(Pipeline& p, int depth) {
        static const Component notify = notify_component();
        const int which = in_.ConsumeIntegralInRange(0, 2);
        Task t = which == 0 ? p.on_exit(notify) : which == 1 ? p.on_success(notify) : p.on_failure(notify);
        keep_task(depth, t, pname(p) + (which == 0 ? ".on_exit" : which == 1 ? ".on_success" : ".on_failure") + "(notify)");
        const std::string tn = task_name_;
        if (in_.ConsumeBool()) {
            say(depth, tn + ".arg(\"msg\", run::status());");
            t.arg("msg", run::status());
        } else {
            bind_inputs(depth, t, tn, {{"msg", 0}});
        }
    }

    // A pipeline built here, with the same saved values at hand, then run as a task of `p`.
    void add_nested(Pipeline& p, int depth) {
        if (depth >= kMaxDepth) return;
        Pipeline sub(fresh("sub"));
        pipeline_names_.push_back(sub.graph().id);
        say(depth, "Pipeline " + pname(sub) + "(\"" + sub.name() + "\");  // nested");
        body(sub, depth + 1);
        Task t = p.add(sub);
        keep_task(depth, t, pname(p) + ".add(" + pname(sub) + ")");
        const std::string tn = task_name_;
        std::vector<std::pair<std::string, std::size_t>> inputs;
        for (const auto& param : sub.graph().params) inputs.emplace_back(param.name, kind_of(param.type));
        bind_inputs(depth, t, tn, inputs);
        for (const auto& o : sub.graph().outputs) {
            with_kind(kind_of(o.value->type), [&](auto K) {
                save<K>(depth, t.output<TagOf<K>>(o.name), tn + ".output<" + kKindName[K] + ">(\"" + o.name + "\")");
            });
        }
    }

    void add_output(Pipeline& p, int depth) {
        with_kind(kind(), [&](auto K) {
            if (auto v = pick<K>()) {
                const std::string name = fresh("o");
                say(depth, pname(p) + ".output(\"" + name + "\", " + v->name + ");");
                p.output(name, v->value);
            }
        });
    }

    void add_param(Pipeline& p, int depth) {
        with_kind(kind(5), [&](auto K) {
            if constexpr (K <= 5) {
                const std::string name = fresh("param");
                auto def = in_.ConsumeBool() ? pick<K>() : std::nullopt;
                save<K>(depth, def ? p.param<TagOf<K>>(name, def->value) : p.param<TagOf<K>>(name),
                        pname(p) + ".param<" + kKindName[K] + ">(\"" + name + "\"" + (def ? ", " + def->name : "") + ")");
            }
        });
    }

    FuzzedDataProvider& in_;
    const bool echo_;
    Pools pools_;
    std::vector<std::pair<Task, std::string>> tasks_;
    std::deque<Chain> chains_;
    std::vector<const void*> pipeline_names_;
    std::string listing_;
    std::string task_name_;
    int names_ = 0;
    int ops_ = 0;
};

// As `pipecc validate --engine` picks it: the newest Argo schema the engine's Argo loads.
validate::ArgoSchema schema_for(const Engine& e) {
    if (e.family == EngineFamily::KfpV1) return validate::ArgoSchema::V3_5;
    if (e.family == EngineFamily::Argo && e.major == 3) return validate::ArgoSchema::V3_7;
    return validate::ArgoSchema::V4_1;
}

[[noreturn]] void fail(const Program& program, const std::string& what) {
    std::cerr << "=== program\n" << program.listing() << "=== " << what << '\n';
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    Program program(in);
    try {
        const bool json = program.pick_bool();
        const Pipeline p = program.build();
        for (const char* name : {"kfp@2.17", "kfp@2.14", "vertex", "argo@4.1", "kfp@1.8"}) {
            const Engine engine = *parse_engine(name);
            std::string out;
            try {
                out = compile(p, {.engine = engine, .format = json ? Format::Json : Format::Yaml});
            } catch (const Error&) {
                continue;
            }
            const auto report = validate::validate_text(out, json ? "fuzz.json" : "fuzz.yaml",
                                                        {.argo = schema_for(engine), .engine = engine});
            if (report.verdict != validate::Verdict::Valid) {
                std::string problems;
                for (const auto& problem : report.problems) problems += problem.describe() + '\n';
                fail(program, std::string(name) + " output that pipecc validate refuses:\n" + problems + out);
            }
        }
    } catch (const std::exception& e) {
        fail(program, std::string("an exception other than pipecc::Error: ") + e.what());
    }
    return 0;
}
