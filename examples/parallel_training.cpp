// parallel_training: train one model per configuration that an earlier task chooses at run time,
// at most two at a time, then compare them all in one step.
//
// Teaches: p.parallel_for<T>(list, body) over a task's List output (dynamic fan-out; a literal
// list or a List parameter work the same), .parallelism(n), field<T>() on Struct items, and a body
// that returns its output, whose .collected() fans it back in as a List. KFP IR: a `for-loop-N`
// sub-DAG with a parameterIterator and iteratorPolicy.parallelismLimit, exporting the collected
// output. Argo: a DAG template run withParam inside a DAG with parallelism: 2, whose outputs Argo
// gathers into a JSON list.
#include <pipecc/pipecc.hpp>

using namespace pipecc;

Pipeline parallel_training() {
    const auto plan = Component("plan-trials")
                          .image("python:3.12-slim")
                          .input<Int>("trials")
                          .output<List>("configs")
                          .command({"python", "-c",
                                    "import json, sys; n = int(sys.argv[1]); "
                                    "open(sys.argv[2], 'w').write(json.dumps([{'lr': 0.1 / (i + 1), 'name': f'trial-{i}'} for i in range(n)]))",
                                    input_value("trials"), output_path("configs")});
    const auto train = Component("train")
                           .image("python:3.12-slim")
                           .input<String>("name")
                           .input<Float>("lr")
                           .output<Float>("accuracy")
                           .command({"python", "-c",
                                     "import sys; lr = float(sys.argv[2]); open(sys.argv[3], 'w').write(str(1 - abs(lr - 0.05)))",
                                     input_value("name"), input_value("lr"), output_path("accuracy")});
    const auto evaluate = Component("pick-best")
                              .image("python:3.12-slim")
                              .input<List>("accuracies")
                              .command({"python", "-c", "import json, sys; print('best accuracy:', max(json.loads(sys.argv[1])))",
                                        input_value("accuracies")});

    Pipeline p("parallel-training");
    auto configs = p.add(plan).arg("trials", p.param<Int>("trials", 4)).output<List>("configs");
    // The body returns the output to gather, so .collected() needs no variable declared before it.
    Value<List> accuracies = p.parallel_for<Struct>(configs, [&](const Value<Struct>& config) {
                                  return p.add(train)
                                      .arg("name", config.field<String>("name"))
                                      .arg("lr", config.field<Float>("lr"))
                                      .memory_request("2Gi")
                                      .output<Float>("accuracy");
                              })
                                 .parallelism(2)
                                 .collected();
    p.add(evaluate).arg("accuracies", accuracies);
    return p;
}

PIPECC_MAIN(parallel_training)
