// flip_coin: run different tasks depending on what an earlier task produced, decided by the
// engine while the run happens.
//
// Teaches: p.If(condition, body) with .Elif and .Else, conditions built from typed values with
// ==, >, && and friends, and an If nested in a branch. The condition compares a task's output and
// a pipeline parameter; neither is known when the pipeline compiles. KFP IR: `condition-N`
// sub-DAGs whose CEL trigger the backend evaluates (an Elif is "not the earlier branches, and
// its own test"). Argo: a `when` on each task of a branch.
#include <pipecc/pipecc.hpp>

using namespace pipecc;

Pipeline flip_coin() {
    const auto flip = Component("flip-coin")
                          .image("python:3.12-slim")
                          .output<String>("side")
                          .command({"python", "-c",
                                    "import random, sys; open(sys.argv[1], 'w').write(random.choice(['heads', 'tails', 'edge']))",
                                    output_path("side")});
    const auto random_num = Component("random-num")
                                .image("python:3.12-slim")
                                .input<Int>("low", 0)
                                .input<Int>("high", 9)
                                .output<Int>("n")
                                .command({"python", "-c",
                                          "import random, sys; open(sys.argv[3], 'w').write(str(random.randint(int(sys.argv[1]), int(sys.argv[2]))))",
                                          input_value("low"), input_value("high"), output_path("n")});
    const auto say = Component("say")
                         .image("busybox:1.37")
                         .input<String>("msg")
                         .command({"echo", input_value("msg")});

    Pipeline p("flip-coin");
    auto threshold = p.param<Int>("threshold", 5);
    auto side = p.add(flip).output<String>("side");

    p.If(side == "heads", [&] {
         auto n = p.add(random_num).output<Int>("n");
         p.If(n > threshold, [&] { p.add(say, "say-lucky").arg("msg", concat("heads and ", to_string(n))); })
             .Else([&] { p.add(say, "say-unlucky").arg("msg", "heads, but a small number"); });
     })
        .Elif(side == "tails", [&] { p.add(say, "say-tails").arg("msg", "tails"); })
        .Else([&] { p.add(say, "say-edge").arg("msg", "the coin landed on its edge"); });
    return p;
}

PIPECC_MAIN(flip_coin)
