# The staticnn command-line tool for networks of your own. Included by tools/CMakeLists.txt in this
# tree and by staticnnConfig.cmake for find_package(staticnn) users (host builds). The CLI's
# sources (tools/staticnn, installed as share/staticnn/cli) are compiled for your network type:
#
#   staticnn_add_model(NAME <name> TYPE <C++ type> HEADER <header>)
#     builds the executable target and program staticnn-<name>, with the commands of `staticnn`
#     (train, eval, inspect, export [--int8], import, bench) for the network <type>, declared in
#     <header> (relative to the current source folder). <name> is also the model name its
#     checkpoints record; it reads IDX images of the network's input shape (idx3 N x H x W for
#     one channel, idx4 N x C x H x W).
#
# The commands are compiled -O1 (-O0 but train.cpp in a Debug build; arguments, files, reports) and the model's training and inference
# kernels -O3 (ops_model.cpp), as for `staticnn`; both are single copies of the source, compiled
# per model.
include_guard(GLOBAL)

# The CLI's sources: STATICNN_CLI_SOURCE_DIR when the includer sets it (staticnnConfig.cmake: the
# installed copy), else this tree's tools/staticnn.
if(NOT STATICNN_CLI_SOURCE_DIR)
  get_filename_component(STATICNN_CLI_SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/../tools/staticnn" ABSOLUTE)
endif()
set_property(GLOBAL PROPERTY STATICNN_CLI_SOURCE_DIR "${STATICNN_CLI_SOURCE_DIR}")
find_package(Threads REQUIRED)

# A CLI executable <target> (program <program>) for the models that <config> (a header, see
# tools/staticnn/models.hpp) lists, <count> of them: the commands once, ops_model.cpp once per model.
function(_staticnn_add_cli target program config count)
  get_property(src GLOBAL PROPERTY STATICNN_CLI_SOURCE_DIR)
  set(commands ${src}/main.cpp ${src}/train.cpp ${src}/eval.cpp ${src}/inspect.cpp ${src}/export.cpp
               ${src}/import.cpp)
  # The commands have no hot loops of their own: -O1 for compile time (docs/performance.md, "Build
  # and test time"), and -O0 in a Debug build (also when its flags ask for more, as host-debug's -O1
  # under the sanitizers), but for train.cpp, which keeps a Debug build's flags: its loading and
  # checkpointing run in every training run (at -O0 under the sanitizers, cli.crash_resume took 57 s
  # instead of 37 s). bench.cpp keeps the build's flags: it holds the FMA-peak loop it measures.
  set_source_files_properties(${commands} PROPERTIES COMPILE_OPTIONS $<IF:$<CONFIG:Debug>,-O0,-O1>)
  set_source_files_properties(${src}/train.cpp PROPERTIES COMPILE_OPTIONS $<$<NOT:$<CONFIG:Debug>>:-O1>)
  # The kernels: -O3 unless this is a Debug build (also when no build type is set). The library
  # never reads floating-point exception flags; without -fno-trapping-math GCC will not vectorise
  # loops with float selects.
  set(ops_options -fno-trapping-math $<$<NOT:$<CONFIG:Debug>>:-O3>)
  math(EXPR last "${count} - 1")
  set(ops "")
  foreach(i RANGE ${last})
    add_library(${target}_ops${i} OBJECT ${src}/ops_model.cpp)
    target_compile_definitions(${target}_ops${i} PRIVATE STATICNN_CLI_MODELS_HEADER="${config}"
                               STATICNN_CLI_OPS_INDEX=${i})
    target_compile_options(${target}_ops${i} PRIVATE ${ops_options})
    target_include_directories(${target}_ops${i} PUBLIC ${src})
    target_link_libraries(${target}_ops${i} PUBLIC staticnn::staticnn Threads::Threads)
    list(APPEND ops ${target}_ops${i})
  endforeach()
  add_executable(${target} ${commands} ${src}/bench.cpp)
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${program})
  target_compile_definitions(${target} PRIVATE STATICNN_CLI_MODELS_HEADER="${config}")
  target_compile_options(${target} PRIVATE -fno-trapping-math)
  target_link_libraries(${target} PRIVATE ${ops})
  if(TARGET staticnn_warnings)  # this project's own warning set, when built in-tree
    target_link_libraries(${target} PRIVATE staticnn_warnings)
    foreach(o ${ops})
      target_link_libraries(${o} PRIVATE staticnn_warnings)
    endforeach()
  endif()
endfunction()

function(staticnn_add_model)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "NAME;TYPE;HEADER" "")
  foreach(key NAME TYPE HEADER)
    if(NOT arg_${key})
      message(FATAL_ERROR "staticnn_add_model: ${key} is required (NAME <name> TYPE <C++ type> HEADER <header>)")
    endif()
  endforeach()
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "staticnn_add_model(${arg_NAME}): unexpected arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_NAME MATCHES "^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    message(FATAL_ERROR "staticnn_add_model: NAME '${arg_NAME}' must be letters, digits, '_', '.' or '-'")
  endif()
  get_filename_component(header "${arg_HEADER}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${header}")
    message(FATAL_ERROR "staticnn_add_model(${arg_NAME}): HEADER ${header} does not exist")
  endif()
  # The model list of this CLI (tools/staticnn/models.hpp): one model, the program's name.
  set(config ${CMAKE_CURRENT_BINARY_DIR}/staticnn-${arg_NAME}-cli/staticnn_cli_models.hpp)
  file(CONFIGURE OUTPUT ${config} CONTENT [[
#pragma once
// Written by staticnn_add_model(NAME @arg_NAME@): the model of the staticnn-@arg_NAME@ CLI.
#include "@header@"

namespace staticnn::cli {

struct user_model {
  using type = @arg_TYPE@;
  static constexpr const char* name = "@arg_NAME@";
};
using cli_models = model_list<user_model>;
inline constexpr const char* program_name = "staticnn-@arg_NAME@";

}  // namespace staticnn::cli
]] @ONLY)
  _staticnn_add_cli(staticnn-${arg_NAME} staticnn-${arg_NAME} ${config} 1)
endfunction()
