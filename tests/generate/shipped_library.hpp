#pragma once
// The shipped knowledge base (data/ of the source tree), opened once per test program.
#include <gtest/gtest.h>

#include <utility>

#include "style/library.hpp"

namespace mdg::test {

// Fails the running test (bad_expected_access, naming nothing else) when data/ cannot be
// opened; the message of the failed open is reported first.
inline const StyleLibrary& shipped_library() {
  static const StyleLibrary lib = [] {
    auto l = StyleLibrary::open(MDG_SOURCE_DATA_DIR);
    EXPECT_TRUE(l) << l.error().describe();
    return std::move(l).value();
  }();
  return lib;
}

}  // namespace mdg::test
