#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "pipecc/compile.hpp"
#include "pipecc/error.hpp"

namespace pipecc::cli {
namespace {

// "FILE:LINE:COL: error: message", or "error: message" without a place.
void report(const Error& e) {
    const std::string place = e.where().describe();
    std::cerr << (place.empty() ? std::string() : place + ": ") << "error: " << e.message() << '\n';
}

}  // namespace

void transform_file(const std::string& input, const std::string& output, ExitCode& exit,
                    const std::function<std::string()>& make) {
    std::error_code ec;
    if (std::filesystem::is_directory(input, ec) || !std::ifstream(input, std::ios::binary)) {
        std::cerr << input << ": error: cannot read the file"
                  << (std::filesystem::exists(input, ec) ? "" : ": no such file") << '\n';
        exit.value = 2;
        return;
    }
    std::string text;
    try {
        text = make();
    } catch (const Error& e) {
        report(e);
        exit.value = 1;
        return;
    }
    if (output == "-") {
        std::cout << text;
        return;
    }
    try {
        write_file_atomic(output, text);
    } catch (const Error& e) {
        report(e);
        exit.value = 2;
    }
}

}  // namespace pipecc::cli
