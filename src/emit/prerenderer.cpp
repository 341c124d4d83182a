#include "pipecc/emit/document.hpp"

#include "text_store.hpp"
#include "writer_support.hpp"

namespace pipecc::doc {

Prerenderer::Prerenderer(Format format, const WriteOptions& options)
    : format_(format),
      writer_(format == Format::Yaml ? detail::yaml_prerenderer(options) : detail::json_prerenderer(options)),
      store_(std::make_shared<detail::TextStore>()) {}

Prerenderer::~Prerenderer() = default;

Node Prerenderer::render(Node value, std::size_t depth) {
    if (value.is_shared() || value.is_rendered() || !value.is_map() || value.empty()) return value;
    const std::string_view text = store_->add(writer_->render(value, depth));
    bytes_ += text.size();
    Node out;
    out.kind_ = Node::Kind::String;
    new (&out.rendered_text_) Node::RenderedText{text, store_};
    out.rendered_ = static_cast<std::uint8_t>(static_cast<int>(format_) + 1);
    out.rendered_depth_ = static_cast<std::uint32_t>(depth);
    return out;
}

}  // namespace pipecc::doc
