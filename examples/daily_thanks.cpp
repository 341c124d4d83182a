// daily_thanks: seed 001's first pipeline. A message is written to a GCS path that is built from a
// pipeline parameter.
//
// Teaches: typed inputs, pipeline parameters with defaults, and concat(), which joins values when
// the run happens. The date folder of the original arrives with run-time values (run::created_at);
// here the path is the parameter plus a file name, with nothing computed at compile time.
#include <pipecc/pipecc.hpp>

using namespace pipecc;

Pipeline daily_thanks() {
    const auto thanks = Component("thanks")
                            .description("Uploads a message to a GCS path.")
                            .image("gcr.io/my-gcp-project/thanks@sha256:"
                                   "3f1b6c0b8e2a4d5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f")
                            .input<String>("message")
                            .input<String>("gcs_output_path")
                            .command({"python", "-m", "thanks"})
                            .args({"--message", input_value("message"),
                                   "--gcs-output-path", input_value("gcs_output_path")});

    Pipeline p("daily-thanks");
    p.description("Writes thanks.txt to GCS every day.");
    const auto bucket = p.param<String>("gcs_root", {.default_value = "gs://my-gcp-project/my-bucket",
                                                     .description = "Bucket folder for the output"});
    p.add(thanks)
        .arg("message", "byebye")
        .arg("gcs_output_path", concat(bucket, "/thanks.txt"));
    return p;
}

PIPECC_MAIN(daily_thanks)
