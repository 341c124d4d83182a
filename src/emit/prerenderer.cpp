#include "pipecc/emit/document.hpp"

#include "writer_support.hpp"

namespace pipecc::doc {

Prerenderer::Prerenderer(Format format, const WriteOptions& options)
    : format_(format),
      writer_(format == Format::Yaml ? detail::yaml_prerenderer(options) : detail::json_prerenderer(options)) {}

Prerenderer::~Prerenderer() = default;

Node Prerenderer::render(Node value, std::size_t depth) {
    if (value.is_shared() || value.is_rendered() || !value.is_map() || value.empty()) return value;
    Node out(writer_->render(value, depth));
    bytes_ += out.as_string().size();
    out.rendered_ = static_cast<std::uint8_t>(static_cast<int>(format_) + 1);
    out.rendered_depth_ = static_cast<std::uint32_t>(depth);
    return out;
}

}  // namespace pipecc::doc
