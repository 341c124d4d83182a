#include "pipecc/compile.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipecc/backends/argo.hpp"
#include "pipecc/backends/kfp.hpp"
#include "pipecc/error.hpp"
#include "pipecc/graph/engine_check.hpp"
#include "pipecc/graph/joins.hpp"
#include "pipecc/graph/passes.hpp"
#include "pipecc/graph/resolver.hpp"

#ifndef PIPECC_VERSION
#error "PIPECC_VERSION must be defined by the build"
#endif

namespace pipecc {

std::string_view version() { return PIPECC_VERSION; }

graph::Graph check(const Pipeline& pipeline, std::ostream* trace) {
    graph::Graph g = pipeline.graph();
    graph::run_passes(g, trace);
    return g;
}

std::string compile_checked(const graph::Graph& g, const CompileOptions& options) {
    const EngineProfile& engine = profile(options.engine);  // once per pipeline
    const argo::Options argo_options{.engine = options.engine};
    // Argo's own refusals come first: they say what is missing before what the version lacks.
    if (engine.output == OutputKind::ArgoWorkflow) argo::check(g, argo_options);
    graph::check_for_engine(g, engine);
    if (engine.output == OutputKind::KfpIr) {
        // KFP's driver resolves run values only as an input's whole value and cannot format them.
        constexpr graph::RunValueSupport kfp_support{
            .formats_times = false, .run_values_in_strings = false, .hooks_read_body_outputs = true};
        std::optional<graph::Graph> lowered;
        if (graph::needs_resolver(g, kfp_support)) {
            lowered.emplace(g);
            graph::insert_resolver(*lowered, kfp_support);
        }
        if (!engine.placeholders_joined && graph::needs_joins(lowered ? *lowered : g)) {
            if (!lowered) lowered.emplace(g);
            graph::insert_joins(*lowered);
        }
        const graph::Graph& out = lowered ? *lowered : g;
        const doc::Format format = options.format == Format::Json ? doc::Format::Json : doc::Format::Yaml;
        const kfp::Documents docs =
            kfp::emit(out, {.sdk_version = "pipecc-" + std::string(version()), .prerender = format});
        return options.format == Format::Json ? kfp::render_json(out, docs) : kfp::render_yaml(out, docs);
    }
    // Without expression templates (KFP 1.8's Argo 3.1) only UTC creation-time sub-keys resolve.
    const graph::RunValueSupport argo_support{.formats_times = engine.expression_templates,
                                              .formats_utc_creation_times = true,
                                              .run_values_in_strings = true};
    std::optional<graph::Graph> lowered;
    if (graph::needs_resolver(g, argo_support)) {
        lowered.emplace(g);
        graph::insert_resolver(*lowered, argo_support);
    }
    const doc::Node wf = argo::emit(lowered ? *lowered : g, argo_options);
    return options.format == Format::Json ? doc::to_json(wf) : doc::to_yaml(wf);
}

std::string compile(const Pipeline& pipeline, const CompileOptions& options) {
    return compile_checked(check(pipeline, options.trace), options);
}

void write_file_atomic(const std::string& path, std::string_view content) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string name = ".";  // (built by appends: `"." + std::string` trips GCC 12's false -Wrestrict)
    name += target.filename().string();
    name += ".tmp-XXXXXX";
    std::string tmp = (dir / name).string();
    const int fd = mkstemp(tmp.data());
    if (fd < 0) throw Error(std::string("cannot create a file next to it: ") + std::strerror(errno), Where{.file = path});
    auto fail = [&](const char* what) {
        const std::string reason = std::strerror(errno);
        ::close(fd);
        ::unlink(tmp.c_str());
        throw Error(std::string(what) + ": " + reason, Where{.file = path});
    };
    const char* data = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write");
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    // mkstemp creates the file 0600; outputs are ordinary files.
    if (::fchmod(fd, 0644) != 0) fail("cannot set permissions");
    if (::fsync(fd) != 0) fail("cannot flush");
    if (::close(fd) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(tmp.c_str());
        throw Error("cannot close: " + reason, Where{.file = path});
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(tmp.c_str());
        throw Error("cannot replace the file: " + reason, Where{.file = path});
    }
}

}  // namespace pipecc
