#pragma once
// Private to src/backends: Kubernetes API objects that both engines embed as they are.

#include <vector>

#include "pipecc/emit/document.hpp"
#include "pipecc/graph/pod_settings.hpp"

namespace pipecc::backends {

/// A NodeSelectorRequirement list (`key`, `operator`, `values`), as node affinity terms hold it
/// in a pod spec and in kfp-kubernetes' NodeAffinityTerm.
inline doc::Node match_expressions(const std::vector<graph::NodeRequirement>& match) {
    doc::Node out = doc::Node::seq();
    for (const auto& r : match) {
        doc::Node e = doc::Node::map().set("key", r.key).set("operator", r.op);
        if (!r.values.empty()) {
            doc::Node values = doc::Node::seq();
            for (const auto& v : r.values) values.push(v);
            e.set("values", std::move(values));
        }
        out.push(std::move(e));
    }
    return out;
}

}  // namespace pipecc::backends
