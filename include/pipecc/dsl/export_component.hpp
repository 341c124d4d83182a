#pragma once
/// Writing a component as a KFP v2 component file, for Python users of the kfp SDK.

#include <string>

#include "pipecc/dsl/component.hpp"

namespace pipecc {

/// The component as KFP v2 component YAML: a PipelineSpec with the one component (components.
/// comp-<name>, deploymentSpec.executors.exec-<name>, a root DAG with one task whose inputs are
/// the root's), as the kfp SDK writes a compiled component. `kfp.components.load_component_from_file`
/// reads it back; so does `load_component`. Throws `pipecc::Error` if the component does not
/// pass pipecc's checks.
///
/// @code
/// write_file_atomic("train.component.yaml", export_component(train));
/// @endcode
std::string export_component(const Component& component);

}  // namespace pipecc
