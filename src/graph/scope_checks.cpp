// The `scopes` pass: where each value may be read. A task reads outputs of its own group and the
// groups around it; loop items only inside their loop, a loop's outputs only through
// collected(), a branch's only through one_of(); conditions and loops read what is known before
// they start.
#include <functional>
#include <string>
#include <vector>

#include "check_support.hpp"

namespace pipecc::graph {
namespace {

void check_component_scope(const Graph& g, const Component& c) {
    auto fail = [&](const std::string& msg) {
        return Error("component '" + c.name + "': " + msg, at_pipeline(g));
    };
    auto check = [&](const ExprPtr& arg) {
        // The KFP driver expands a command-line item that starts with {"IfPresent": as one.
        const Expr* first = arg.get();
        while (auto* cat = first->as<node::Concat>()) {
            if (cat->parts.empty()) break;
            first = cat->parts.front().get();
        }
        if (auto* lit = first->as<node::Literal>(); lit && lit->value.kind() == doc::Node::Kind::String) {
            const std::string& text = lit->value.as_string();
            const std::size_t start = text.find_first_not_of(" \t\r\n");
            if (start != std::string::npos &&
                (text.compare(start, 13, "{\"IfPresent\":") == 0 || text.compare(start, 10, "{\"Concat\":") == 0)) {
                throw fail("literal text starts like {\"IfPresent\": ...} or {\"Concat\": ...}, which the KFP backend would expand as a "
                           "placeholder: \"" + text.substr(0, 60) + "\"");
            }
        }
        for_each_node(*arg, [&](const Expr& e) {
            reject_braces(e, fail);
            if (auto* v = e.as<node::InputValue>()) {
                const Port* p = c.find_input(v->input);
                if (!p) throw fail("input_value(\"" + v->input + "\") names no declared input");
                if (is_artifact(p->type) && !is_list(p->type)) {
                    throw fail("input '" + v->input + "' is an artifact: use input_path(), not input_value()");
                }
            } else if (auto* ip = e.as<node::InputPath>()) {
                const Port* p = c.find_input(ip->input);
                if (!p) throw fail("input_path(\"" + ip->input + "\") names no declared input");
                if (!is_artifact(p->type)) {
                    throw fail("input '" + ip->input + "' is a parameter: use input_value(), not input_path()");
                }
                if (is_list(p->type)) {
                    throw fail("input '" + ip->input + "' is a list of artifacts, which has no single path: use "
                               "input_value(), which gives the JSON list of the artifacts");
                }
            } else if (auto* op = e.as<node::OutputPath>()) {
                if (!c.find_output(op->output)) {
                    throw fail("output_path(\"" + op->output + "\") names no declared output");
                }
            } else if (auto* ip = e.as<node::IfPresent>()) {
                if (&e != arg.get()) {
                    throw fail(to_debug_string(e) +
                               " must be a whole command-line item, not part of a concatenation or another "
                               "if_present (the KFP backend resolves it only there)");
                }
                if (!c.find_input(ip->input)) throw fail("if_present(\"" + ip->input + "\") names no declared input");
                for (const auto* list : {&ip->then_args, &ip->else_args}) {
                    for (const auto& item : *list) {
                        for_each_node(*item, [&](const Expr& inner) {
                            if (inner.as<node::IfPresent>()) {
                                throw fail("if_present(\"" + ip->input + "\") may not contain another if_present");
                            }
                        });
                    }
                }
            } else if (!e.as<node::Literal>() && !e.as<node::Concat>() && !e.as<node::ToString>()) {
                // What the emitters render in a command line, and nothing else: a parameter, task
                // output, run value or loop item there would need a task's scope to resolve.
                throw fail("a command line may use only literals and the component's own placeholders, not " +
                           to_debug_string(e) + "; pass it to the task as an input instead");
            }
        });
    };
    for (const auto& a : c.command) check(a);
    for (const auto& a : c.args) check(a);
}

// Why a task in `group` may not have run, for messages: its innermost condition or loop.
std::string runs_only(const Graph& g, GroupId group) {
    while (group != 0 && g.groups[group].kind == GroupKind::Branches) group = g.groups[group].parent;
    const Group& inner = g.groups[group];
    if (inner.kind == GroupKind::Loop) {
        return "runs once per item of a parallel_for; gather it with collected() after the loop";
    }
    return "runs only if " + to_debug_string(*inner.condition, &g) + "; read it inside that branch";
}

// The innermost loop around `group`, or 0.
GroupId enclosing_loop(const Graph& g, GroupId group) {
    while (group != 0 && g.groups[group].kind != GroupKind::Loop) group = g.groups[group].parent;
    return group;
}

// Whether a JSON literal is a value of `type`: an integer is also a Float, as the engines read it.
bool literal_fits(Type type, doc::Node::Kind k) {
    using K = doc::Node::Kind;
    switch (type) {
        case Type::String: return k == K::String;
        case Type::Int: return k == K::Int;
        case Type::Float: return k == K::Int || k == K::Float;
        case Type::Bool: return k == K::Bool;
        case Type::Struct: return k == K::Map;
        case Type::List: return k == K::Seq;
        default: return false;
    }
}

// A field read from the items of a literal list is known now: a misspelt name or a wrong type
// would otherwise fail only at run time, in the engine.
void check_literal_field(const Graph& g, const node::Field& f, Type type, GroupId loop,
                         const Fail& fail) {
    const auto* items = g.groups[loop].items->as<node::Literal>();
    if (!items) return;
    for (const auto& item : items->value.items()) {
        if (item.kind() != doc::Node::Kind::Map) continue;  // the loop's own check names it
        const doc::Node* v = item.find(f.name);
        if (!v) {
            std::string has;
            for (const auto& [key, value] : item.entries()) has += (has.empty() ? "" : ", ") + key;
            throw fail("field(\"" + f.name + "\"): item " + literal_debug_string(item) + " of the literal list has no field '" +
                       f.name + "' (it has: " + (has.empty() ? "none" : has) + ")");
        }
        if (!literal_fits(type, v->kind())) {
            throw fail("field<" + std::string(type_name(type)) + ">(\"" + f.name + "\"): item " + literal_debug_string(item) +
                       " of the literal list has " + f.name + " = " + literal_debug_string(*v) + ", not " +
                       (type == Type::Int ? "an " : "a ") + std::string(type_name(type)));
        }
    }
}

// A loop item or a field of one, read by something in `group`.
void check_loop_item(const Graph& g, const Expr& e, GroupId group, const Fail& fail) {
    const Expr* read = &e;  // the item itself, also when a field of it is read
    const auto* f = e.as<node::Field>();
    if (f) {
        if (!f->value->as<node::LoopItem>()) throw fail("field(\"" + f->name + "\") works only on a parallel_for item");
        if (!valid_port_name(f->name)) {
            throw fail("field(\"" + f->name + "\"): a field name here is letters, digits, '_' and '-', starting with a letter");
        }
        read = f->value.get();
    }
    if (auto* item = read->as<node::LoopItem>()) {
        if (!g.within(group, item->loop)) throw fail("uses the item of a parallel_for outside its body");
        if (f) check_literal_field(g, *f, e.type, item->loop, fail);
    }
}

// one_of(): an output of a task directly in each branch of one If/Elif/Else chain that ends with
// Else, in branch order, read right after the chain.
void check_one_of(const Graph& g, const Task& t, const node::OneOf& one, const Fail& fail) {
    GroupId branches = 0;
    std::vector<GroupId> seen;
    for (const auto& v : one.values) {
        const auto* o = v->as<node::TaskOutput>();
        if (!o) throw fail("one_of() takes an output of a task in each branch of an If, not " + to_debug_string(*v, &g));
        const Task& producer = g.tasks[o->task];
        const Group& branch = g.groups[producer.group];
        if (producer.group == 0 || branch.kind != GroupKind::Condition || g.groups[branch.parent].kind != GroupKind::Branches) {
            throw fail("one_of(): task '" + producer.name + "' is not directly in a branch of an If with Elif or Else");
        }
        if (branches != 0 && branch.parent != branches) throw fail("one_of(): its values come from branches of different Ifs");
        branches = branch.parent;
        seen.push_back(producer.group);
    }
    std::vector<GroupId> all;
    for (GroupId id = 1; id < g.groups.size(); ++id) {
        if (g.groups[id].parent == branches && g.groups[id].kind == GroupKind::Condition) all.push_back(id);
    }
    if (seen != all) throw fail("one_of() takes exactly one value from each branch of the If, in branch order");
    if (!g.groups[all.back()].otherwise) throw fail("one_of() needs an Else branch, so that some branch always runs");
    // A hook runs after the body's DAG, where the sub-DAG that picks the branch's value is gone
    // (KFP runs the body inside exit-handler-1).
    if (t.hook != Hook::None) {
        throw fail("one_of() cannot be read by an on_exit, on_success or on_failure task, which runs after the body; "
                   "read it in a task after the If and pass that task's output on");
    }
    if (t.group != g.groups[branches].parent) throw fail("one_of() is read only by tasks right after its If (in the group the If is in)");
}

// Where a value is visible: a task may read outputs of tasks in its own group and the groups
// around it; a loop's outputs leave it only through collected().
void check_visible(const Graph& g, const Task& t, const Expr& value, const Fail& fail) {
    if (auto* c = value.as<node::Collected>()) {
        auto* o = c->value->as<node::TaskOutput>();
        if (!o) throw fail("collected() takes an output of a task inside a parallel_for");
        const Task& producer = g.tasks[o->task];
        const GroupId loop = enclosing_loop(g, producer.group);
        if (loop == 0) throw fail("collected() of task '" + producer.name + "', which is not inside a parallel_for");
        if (producer.group != loop) {
            throw fail("collected() of task '" + producer.name + "', which is inside a branch of its loop; collect it from a task directly in the loop");
        }
        // Artifacts may also be read after loops around the loop, as kfp allows: one flat list of
        // every iteration's artifacts. (Argo nests lists of parameters, so those stay one level.)
        for (GroupId outer = loop; t.group != g.groups[outer].parent;) {
            outer = g.groups[outer].parent;
            if (!is_artifact(value.type) || outer == 0 || g.groups[outer].kind != GroupKind::Loop) {
                throw fail("collected() of task '" + producer.name +
                           "' is read only by tasks right after its loop (in the group the loop is in)" +
                           (is_artifact(value.type) ? ", or after loops that the loop is directly in" : ""));
            }
        }
        return;
    }
    if (auto* one = value.as<node::OneOf>()) {
        check_one_of(g, t, *one, fail);
        return;
    }
    if (auto* o = value.as<node::TaskOutput>(); o && !g.within(t.group, g.tasks[o->task].group)) {
        throw fail("reads output '" + o->output + "' of task '" + g.tasks[o->task].name + "', which " +
                   runs_only(g, g.tasks[o->task].group));
    }
    check_loop_item(g, value, t.group, fail);
    if (auto* c = value.as<node::Concat>()) {
        for (const auto& part : c->parts) {
            const auto* text = part->as<node::ToString>();
            if (part->as<node::OneOf>() || (text && text->value->as<node::OneOf>())) {
                throw fail("one_of() must be an input's whole value, not part of a longer string");
            }
            check_visible(g, t, *part, fail);
        }
    } else if (auto* s = value.as<node::ToString>()) {
        check_visible(g, t, *s->value, fail);
    } else if (auto* f = value.as<node::FormatTime>()) {
        check_visible(g, t, *f->time, fail);
    }
}

// What a loop iterates: a literal list whose items have the loop's item type, a parameter, or a
// List output of a task outside the loop.
void check_loop_scope(const Graph& g, const Group& group) {
    auto fail = [&](const std::string& msg) { return loop_error(g, group, msg); };
    if (auto* lit = group.items->as<node::Literal>()) {
        const doc::Node& list = lit->value;
        for (const auto& item : list.items()) {
            const auto k = item.kind();
            if (!literal_fits(group.item_type, k)) {
                throw fail("an item is not a " + std::string(type_name(group.item_type)) + ": " +
                           literal_debug_string(item));
            }
            if (k == doc::Node::Kind::String) reject_braces(*make_expr(Type::String, node::Literal{item}), fail);
        }
        if (list.items().empty()) throw fail("the list is empty");
    } else if (auto* o = group.items->as<node::TaskOutput>()) {
        const Task& producer = g.tasks[o->task];
        if (producer.hook != Hook::None) throw fail("iterates an output of hook task '" + producer.name + "'");
        if (!g.within(group.parent, producer.group)) {
            throw fail("iterates output '" + o->output + "' of task '" + producer.name + "', which " +
                       runs_only(g, producer.group));
        }
    } else if (group.items->as<node::LoopItem>() || group.items->as<node::Field>()) {
        check_loop_item(g, *group.items, group.parent, fail);
    } else if (!group.items->as<node::Param>()) {
        throw fail("a parallel_for iterates a literal list, a List parameter, a task's List output (or list of "
                   "artifacts) or a List item of an outer parallel_for");
    }
    if (group.parallelism < 0 || group.parallelism > 1'000'000) {
        throw fail("parallelism must be between 1 and 1000000 (0: no limit)");
    }
}

// A condition is evaluated before its branch runs, by the engine's expression language: it may
// compare only literals, parameters and outputs of tasks outside the branch.
void check_condition_scope(const Graph& g, const Group& group) {
    auto fail = [&](const std::string& msg) { return condition_error(g, group, msg); };
    for_each_node(*group.condition, [&](const Expr& e) {
        reject_braces(e, fail);
        if (e.as<node::Compare>() || e.as<node::Logic>() || e.as<node::Literal>() || e.as<node::Param>()) return;
        if (e.as<node::LoopItem>() || e.as<node::Field>()) {
            check_loop_item(g, e, group.parent, fail);
            return;
        }
        if (auto* o = e.as<node::TaskOutput>()) {
            const Task& producer = g.tasks[o->task];
            if (producer.hook != Hook::None) {
                throw fail("compares an output of hook task '" + producer.name + "', which runs only after the whole pipeline");
            }
            if (!g.within(group.parent, producer.group)) {
                throw fail("compares output '" + o->output + "' of task '" + producer.name +
                           "', which is not known outside its own branch");
            }
            return;
        }
        throw fail("a condition may compare only literals, pipeline parameters, task outputs and loop items, not " +
                   to_debug_string(e));
    });
}

}  // namespace

void check_scopes(Graph& g) {
    for (const auto& c : g.components) check_component_scope(g, c);
    std::vector<bool> has_task(g.groups.size(), false);
    for (const auto& t : g.tasks) {
        for (GroupId id = t.group; id != 0 && !has_task[id]; id = g.groups[id].parent) has_task[id] = true;
    }
    for (GroupId id = 1; id < g.groups.size(); ++id) {
        const Group& group = g.groups[id];
        // An empty branch or loop would be an empty DAG, which engines refuse.
        if (group.condition) {
            check_condition_scope(g, group);
            if (!has_task[id]) throw condition_error(g, group, "the branch adds no tasks");
        } else if (group.items) {
            check_loop_scope(g, group);
            if (!has_task[id]) throw loop_error(g, group, "the loop adds no tasks");
        }
    }
    // A pipeline returns what its body has when it ends, as a task directly in the body sees it.
    const Task body_reader{};
    for (const auto& o : g.outputs) {
        auto fail = [&](const std::string& msg) { return output_error(g, o, msg); };
        const auto* out = o.value->as<node::TaskOutput>();
        if (!out && !o.value->as<node::Collected>() && !o.value->as<node::OneOf>()) {
            throw fail("a pipeline returns a task's output, or collected() or one_of() of some, not " + to_debug_string(*o.value, &g));
        }
        if (out && g.tasks[out->task].hook != Hook::None) {
            throw fail("returns an output of hook task '" + g.tasks[out->task].name + "', which runs after the pipeline ends");
        }
        check_visible(g, body_reader, *o.value, fail);
    }
    for (const auto& t : g.tasks) {
        if (t.ignore_upstream_failure && t.hook != Hook::None) {
            throw Error("ignore_upstream_failure() is for body tasks: on_exit, on_success and on_failure tasks already "
                        "run after the others, whatever happened",
                        at_task(g, t));
        }
        for (TaskId a : t.after) {
            if (t.hook == Hook::None && g.tasks[a].hook != Hook::None) {
                throw Error("cannot run after hook task '" + g.tasks[a].name +
                                "', which runs only after the whole pipeline",
                            at_task(g, t));
            }
        }
        for (const auto& b : t.args) {
            auto fail = [&](const std::string& msg) { return Error(msg, at_task(g, t, b.input)); };
            check_visible(g, t, *b.value, fail);
            for_each_node(*b.value, [&](const Expr& e) {
                reject_braces(e, fail);
                if (e.as<node::InputValue>() || e.as<node::InputPath>() || e.as<node::OutputPath>()) {
                    throw fail(to_debug_string(e) +
                               " is a component placeholder; it belongs in a component's command or args");
                }
                if (auto* r = e.as<node::Run>()) {
                    if ((r->field == RunField::Status || r->field == RunField::Failures) && t.hook == Hook::None) {
                        throw fail(std::string(run_field_name(r->field)) +
                                   " is only known once the run ends: read it in a task added with on_exit, "
                                   "on_success or on_failure");
                    }
                }
                if (auto* o = e.as<node::TaskOutput>(); o && t.hook == Hook::None && g.tasks[o->task].hook != Hook::None) {
                    throw fail("reads an output of hook task '" + g.tasks[o->task].name +
                               "', which runs only after the whole pipeline");
                }
                if (auto* c = e.as<node::Concat>()) {
                    for (const auto& part : c->parts) {
                        if (is_artifact(part->type)) {
                            throw fail("an artifact (" + to_debug_string(*part) +
                                       ") cannot be part of a string; pass it as its own input");
                        }
                    }
                }
            });
        }
    }
}

}  // namespace pipecc::graph
