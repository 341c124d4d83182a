#pragma once
/// Loading component files: KFP v1 `component.yaml` and KFP v2 component YAML (IR).

#include <string>
#include <string_view>

#include "pipecc/dsl/component.hpp"

namespace pipecc {

/// Reads a component file and returns a `Component` used exactly like one declared in C++:
/// `p.add(load_component("components/train.yaml")).arg("epochs", 10)`.
///
/// Two formats are read:
/// - KFP v1 `component.yaml` (`name`, `inputs`, `outputs`, `implementation.container` with the
///   `inputValue`, `inputPath`, `outputPath`, `concat` and `if`/`isPresent` placeholders). Port
///   names and types become what `kfp.components.load_component_from_file` makes of them: names
///   are lower-cased with other characters turned into `_`, `String`/`Integer`/`Float`/`Bool`/
///   `JsonObject`/`JsonArray`... are parameters, `Dataset`/`Model`/`Metrics`... artifacts, and other
///   types are artifacts, except that an input of such a type read with `inputValue` is a String
///   parameter (as KFP v1 ran it). Defaults (text in v1) are converted to the input's type.
/// - KFP v2 component YAML: a PipelineSpec holding one container component, as the kfp SDK and
///   `export_component` write it.
///
/// Throws `pipecc::Error` whose `where()` has the file, line and column (1-based) for anything
/// the file gets wrong, including what pipecc does not support (`executorInput`, URIs, graph
/// components, ...), and for an unreadable file (line 0).
///
/// @code
/// const Component train = load_component("components/train.yaml");
/// p.add(train).arg("data", prep.output<Dataset>("out")).arg("epochs", 10);
/// @endcode
Component load_component(const std::string& path);

/// `load_component` from text; `name_for_errors` is the file name that error places show.
///
/// @code
/// auto c = load_component_text("name: echo\nimplementation: ...", "inline.yaml");
/// @endcode
Component load_component_text(std::string_view text, const std::string& name_for_errors);

}  // namespace pipecc
