// producer_consumer: typed outputs passed between tasks.
//
// Teaches: a String output parameter and a Dataset artifact flowing from one task to the next (a
// data edge orders the tasks by itself), output_path()/input_path() placeholders, and .after() for
// an ordering that carries no data.
#include <pipecc/pipecc.hpp>

using namespace pipecc;

Pipeline producer_consumer() {
    const auto produce = Component("produce")
                             .image("alpine:3.20")
                             .input<String>("greeting")
                             .output<String>("summary")
                             .output<Dataset>("rows")
                             .command({"sh", "-c",
                                       "mkdir -p \"$(dirname \"$1\")\" \"$(dirname \"$2\")\" && "
                                       "printf '%s\\n' \"$0\" a b c > \"$2\" && printf '3 rows' > \"$1\"",
                                       input_value("greeting"), output_path("summary"), output_path("rows")});
    const auto consume = Component("consume")
                             .image("alpine:3.20")
                             .input<String>("summary")
                             .input<Dataset>("rows")
                             .command({"sh", "-c", "echo \"$0\"; cat \"$1\"", input_value("summary"),
                                       input_path("rows")});
    const auto cleanup = Component("cleanup").image("alpine:3.20").command({"echo", "done"});

    Pipeline p("producer-consumer");
    const auto greeting = p.param<String>("greeting", "hello");
    Task producer = p.add(produce).arg("greeting", greeting);
    Task consumer = p.add(consume)
                        .arg("summary", producer.output<String>("summary"))
                        .arg("rows", producer.output<Dataset>("rows"));
    p.add(cleanup).after(consumer);
    return p;
}

PIPECC_MAIN(producer_consumer)
