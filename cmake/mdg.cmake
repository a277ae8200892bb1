# mdg_module(NAME DEPS ...): one static library per src/ folder, built from every .cpp in it.
function(mdg_module name)
  cmake_parse_arguments(M "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT sources)
    message(STATUS "src/${name} has no sources yet; skipped")
    return()
  endif()
  add_library(mdg_${name} STATIC ${sources})
  target_include_directories(mdg_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(mdg_${name} PUBLIC ${M_DEPS} PRIVATE mdg_flags)
endfunction()

# mdg_test(NAME DEPS ...): tests/NAME/*.cpp as one GoogleTest executable test_NAME.
function(mdg_test name)
  cmake_parse_arguments(T "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${name}/*.cpp)
  if(NOT sources)
    return()
  endif()
  add_executable(test_${name} ${sources})
  target_link_libraries(test_${name} PRIVATE ${T_DEPS} GTest::gtest_main mdg_flags)
  target_compile_definitions(test_${name} PRIVATE
    MDG_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    MDG_SOURCE_DATA_DIR="${MDG_SOURCE_DATA_DIR}"
    MDG_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared"
    MDG_CLI_PATH="${PROJECT_BINARY_DIR}/apps/cli/mididrumigen")
  if(MDG_SANITIZE)
    # Lets the few tests that refit a whole model from the dataset run only in the optimized
    # build (the sanitizer pass re-runs every other test).
    target_compile_definitions(test_${name} PRIVATE MDG_SANITIZED=1)
  endif()
  gtest_discover_tests(test_${name} DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 300)
endfunction()
