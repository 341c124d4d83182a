# cmake -DINPUT=file -DOUTPUT=file.cpp -DFUNCTION=name -P embed_text.cmake
# Writes a C++ source whose function `std::string_view pipecc::validate::NAME()` returns INPUT's
# text, so that the validator's schemas are inside the binary (no file lookup at run time).
file(READ "${INPUT}" text)
set(delimiter "pipecc_embed")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter ${delimiter}")
endif()
get_filename_component(name "${INPUT}" NAME)
file(WRITE "${OUTPUT}"
  "// Generated from ${name} by cmake/embed_text.cmake; do not edit.\n"
  "#include \"validate/embedded_schemas.hpp\"\n\n"
  "std::string_view pipecc::validate::${FUNCTION}() {\n"
  "    return R\"${delimiter}(${text})${delimiter}\";\n"
  "}\n")
