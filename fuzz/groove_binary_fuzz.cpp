// libFuzzer target for the binary groove decoder (groove_binary.hpp, the groove cache's
// format): each input is tried as a whole file and, framed with a valid header, as a payload,
// so that the decoder behind the checksum sees arbitrary bytes. A decoded set must re-encode
// to the same bytes and decode again to itself. Any crash, sanitizer report or broken
// invariant aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "groove/groove_binary.hpp"

namespace {

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "groove_binary_fuzz: %s\n", what);
  std::abort();
}

void check(std::string_view bytes) {
  auto set = mdg::groove_set_from_binary(bytes);
  if (!set) {
    if (set.error().message.empty()) broken("an error without a message");
    return;
  }
  const std::string again = mdg::groove_set_to_binary(*set);
  if (again != bytes) broken("a decoded set does not re-encode to its bytes");
  auto back = mdg::groove_set_from_binary(again);
  if (!back || !(*back == *set)) broken("a re-encoded set does not decode to itself");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check(bytes);
  check(mdg::groove_binary_frame(bytes));
  return 0;
}
