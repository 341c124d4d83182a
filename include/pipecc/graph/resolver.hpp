#pragma once
/// The resolver step: one small task that formats run-time values where an engine cannot.

#include "pipecc/graph/graph.hpp"

namespace pipecc::graph {

/// What a target resolves by itself.
struct RunValueSupport {
    /// Timestamps formatted or shifted into a zone, in place (Argo expression templates).
    bool formats_times = false;
    /// Creation times formatted in UTC, in place (Argo's strftime sub-keys).
    bool formats_utc_creation_times = false;
    /// Run values inside longer strings, not only as an input's whole value.
    bool run_values_in_strings = false;
    /// Hook tasks may read outputs of the pipeline's tasks (KFP yes, Argo's exit handler no).
    bool hooks_read_body_outputs = false;
};

/// Whether any binding uses a run-time value the target cannot resolve in place.
bool needs_resolver(const Graph& g, const RunValueSupport& support);

/// Inserts the resolver task and rewires every such value to read one of its outputs instead.
/// The resolver receives each raw run value as an input's whole value (which every engine
/// resolves) and writes each formatted value, computed with GNU date, to an output parameter.
/// Refreshes the task order. Throws `pipecc::Error` for a value no resolver can produce.
///
/// @code
/// if (needs_resolver(g, {})) insert_resolver(g, {});
/// @endcode
void insert_resolver(Graph& g, const RunValueSupport& support);

}  // namespace pipecc::graph
