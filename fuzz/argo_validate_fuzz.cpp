// Fuzzes the argo reader behind `pipecc validate` with arbitrary bytes, seeded with
// Argo Workflow, CronWorkflow and WorkflowTemplate YAML. validate_text never throws: any input is a
// verdict with problems, so an exception, a crash, a sanitizer report or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "validate/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)pipecc::validate::validate_text(text, "fuzz.argo.yaml");
    return 0;
}
