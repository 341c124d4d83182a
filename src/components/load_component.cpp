// load_component: reads a file, then hands its YAML to the KFP v1 or the KFP v2 (IR) reader.
#include "pipecc/dsl/load_component.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "loader.hpp"

namespace pipecc {

Component load_component_text(std::string_view text, const std::string& name_for_errors) {
    using namespace components;
    const Source src(text, name_for_errors);
    const auto& docs = src.documents();
    if (docs.empty() || is_plain_null(docs.front())) {
        throw Error("the file holds no YAML document; expected a component (KFP v1 component.yaml or KFP v2 "
                    "component YAML)",
                    Where{.file = name_for_errors, .line = 1, .column = 1});
    }
    const YAML::Node& root = docs.front();
    if (!root.IsMap()) src.fail(root, "a component file must be a map (name, inputs, outputs, implementation, ...)");
    const bool v1 = Source::get(root, "implementation").IsDefined();
    const bool ir = Source::get(root, "pipelineInfo").IsDefined() || Source::get(root, "deploymentSpec").IsDefined();
    if (!v1 && !ir) {
        src.fail(root, "not a component file: expected 'implementation' (a KFP v1 component.yaml) or 'pipelineInfo' "
                       "and 'deploymentSpec' (KFP v2 component YAML)");
    }
    if (v1 && docs.size() > 1) src.fail(docs[1], "a KFP v1 component file holds one YAML document");
    if (ir && docs.size() > 1) {
        if (docs.size() > 2) src.fail(docs[2], "a KFP v2 component file holds at most two YAML documents");
        if (!is_plain_null(docs[1]) && !(docs[1].IsMap() && docs[1].size() == 0)) {
            src.fail(docs[1], "platform settings (the PlatformSpec document) are not supported in component files; set "
                              "node selectors, secrets and timeouts on the task instead");
        }
    }
    return Component(v1 ? load_v1(src, root) : load_ir(src, root));
}

Component load_component(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw Error("cannot read the file: it is a directory", Where{.file = path});
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(std::string("cannot read the file: ") + std::strerror(errno), Where{.file = path});
    // Refuse oversized files without reading them whole.
    in.seekg(0, std::ios::end);
    const auto size = in.tellg();
    if (size > static_cast<std::streamoff>(components::kMaxFileBytes)) {
        throw Error("the file is larger than " + std::to_string(components::kMaxFileBytes >> 20) +
                        " MiB, which no component needs; refusing to read it",
                    Where{.file = path, .line = 1, .column = 1});
    }
    in.seekg(0, std::ios::beg);
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) throw Error("cannot read the file", Where{.file = path});
    return load_component_text(s.str(), path);
}

}  // namespace pipecc
