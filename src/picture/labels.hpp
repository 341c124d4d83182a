#pragma once
/// The text of a picture's labels. Both readers write every condition, loop and name through
/// these, so the KFP and Argo pictures of one pipeline read alike.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace pipecc::picture {

/// What a condition or a loop reads, as the pipeline's author named it: output `name` of task
/// `task`, or (no task) a pipeline parameter, `item`, `item.<field>` or `status`.
struct Ref {
    std::string task{};
    std::string name;
};

/// The reader's look-up of a reference: a KFP channel (`pipelinechannel--…`) or the inside of an
/// Argo tag (`tasks.train.outputs.parameters.accuracy`).
using Resolve = std::function<Ref(const std::string&)>;

/// Labels longer than this many characters end in an ellipsis.
inline constexpr std::size_t kLabelChars = 48;

/// `text` cut to kLabelChars characters (UTF-8 code points), the last one `…`; each line alone.
///
/// @code
/// fit(std::string(60, 'x')).size() == 47 + std::string("…").size()
/// @endcode
std::string fit(std::string_view text);

/// A KFP condition (CEL over the task's inputs) as its author wrote it.
///
/// @code
/// readable_cel("int(inputs.parameter_values['pipelinechannel--train-n']) > 3", resolve) == "n > 3"
/// @endcode
std::string readable_cel(std::string_view cel, const Resolve& channel);

/// An Argo `when` (govaluate after substitution, or a `{{=…}}` expression) the same way.
///
/// @code
/// readable_argo("\"{{tasks.flip.outputs.parameters.side}}\" == \"heads\"", resolve) == "side == 'heads'"
/// @endcode
std::string readable_argo(std::string_view when, const Resolve& tag);

/// `if <readable>`, fitted.
std::string condition_label(std::string_view readable);

/// `for each item in [3 items]`: a loop over a literal list.
std::string loop_over_items(std::size_t count);

/// `for each in train.outputs.configs`, `for each in regions`, `for each in item.members`.
std::string loop_over(const Ref& source);

/// `for each in <text>`, for a source that is no single reference.
std::string loop_over_text(std::string_view readable);

/// A loop's label with its limit below: `(2 at a time)`; `limit` 0 is none.
std::string with_parallelism(std::string label, std::int64_t limit);

}  // namespace pipecc::picture
