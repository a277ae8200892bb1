#include "core/error.hpp"

namespace mdg {

std::string Error::describe() const {
  if (offset) return message + " (at byte " + std::to_string(*offset) + ")";
  return message;
}

const char* errc_name(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::not_found: return "not_found";
    case Errc::parse: return "parse";
    case Errc::io: return "io";
    case Errc::unsupported: return "unsupported";
  }
  return "unknown";
}

}  // namespace mdg
