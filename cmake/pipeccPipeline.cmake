# pipecc_add_pipeline(NAME SOURCES... [OUTPUT_DIR DIR])
#
# Builds the pipeline program NAME from SOURCES with the settings that make the edit loop short,
# and adds a target NAME.yaml that runs it to write NAME.kfp.yaml and NAME.argo.yaml into DIR
# (default: the current binary directory). After an edit, `cmake --build build --target NAME.yaml`
# is the whole loop:
#
#   find_package(pipecc REQUIRED)
#   pipecc_add_pipeline(daily daily.cpp)
#
# The settings (bench/edit_loop.sh measures them):
# - -O0: a pipeline program runs once, for milliseconds; optimising it costs more than it saves.
# - one precompiled <pipecc/pipecc.hpp> shared by every pipeline program of the project, so an
#   edit re-parses only the user's own file;
# - mold, or else lld, when the compiler can use it (ld.bfd takes most of a static link).

include_guard(GLOBAL)
include(CheckLinkerFlag)

check_linker_flag(CXX "-fuse-ld=mold" PIPECC_LINKER_MOLD)
if(NOT PIPECC_LINKER_MOLD)
  check_linker_flag(CXX "-fuse-ld=lld" PIPECC_LINKER_LLD)
endif()

# The precompiled header lives in one object library; each program reuses it, so it is built
# once. Its compile flags are the programs' own, which a reused header needs.
function(_pipecc_pipeline_pch)
  if(TARGET pipecc_pipeline_pch)
    return()
  endif()
  set(source ${CMAKE_BINARY_DIR}/pipecc_pipeline_pch.cpp)
  if(NOT EXISTS ${source})
    file(WRITE ${source} "// The precompiled <pipecc/pipecc.hpp> of pipecc_add_pipeline.\n")
  endif()
  add_library(pipecc_pipeline_pch OBJECT ${source})
  target_link_libraries(pipecc_pipeline_pch PRIVATE pipecc::pipecc)
  target_compile_options(pipecc_pipeline_pch PRIVATE -O0)
  target_precompile_headers(pipecc_pipeline_pch PRIVATE <pipecc/pipecc.hpp>)
endfunction()

function(pipecc_add_pipeline name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "OUTPUT_DIR" "")
  set(sources ${arg_UNPARSED_ARGUMENTS})
  if(NOT sources)
    message(FATAL_ERROR "pipecc_add_pipeline(${name}): give the program's source files")
  endif()
  if(NOT arg_OUTPUT_DIR)
    set(arg_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR})
  endif()
  _pipecc_pipeline_pch()
  add_executable(${name} ${sources})
  target_link_libraries(${name} PRIVATE pipecc::pipecc)
  target_compile_options(${name} PRIVATE -O0)
  target_precompile_headers(${name} REUSE_FROM pipecc_pipeline_pch)
  if(PIPECC_LINKER_MOLD)
    target_link_options(${name} PRIVATE -fuse-ld=mold)
  elseif(PIPECC_LINKER_LLD)
    target_link_options(${name} PRIVATE -fuse-ld=lld)
  endif()
  set(kfp ${arg_OUTPUT_DIR}/${name}.kfp.yaml)
  set(argo ${arg_OUTPUT_DIR}/${name}.argo.yaml)
  add_custom_target(${name}.yaml
    COMMAND ${name} --engine kfp -o ${kfp}
    COMMAND ${name} --engine argo -o ${argo}
    BYPRODUCTS ${kfp} ${argo}
    DEPENDS ${name}
    COMMENT "Compiling pipeline ${name} to ${name}.kfp.yaml and ${name}.argo.yaml"
    VERBATIM)
endfunction()
