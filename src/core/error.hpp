#pragma once
// Error values for everything that can go wrong with input, files or services.
// Programmer errors use exceptions/asserts; user input never reaches an assert.
#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <utility>

namespace mdg {

enum class Errc {
  invalid_argument,  // a parameter outside its allowed values
  not_found,         // a name or file that does not exist
  parse,             // malformed input data (MIDI, JSON, ...)
  io,                // the operating system refused a read or write
  unsupported,       // valid input that this version cannot handle
};

struct Error {
  Errc code = Errc::invalid_argument;
  std::string message;
  std::optional<std::size_t> offset;  // byte offset into the input, for parse errors

  // "message" or "message (at byte N)".
  [[nodiscard]] std::string describe() const;
};

template <class T>
using Result = std::expected<T, Error>;

[[nodiscard]] inline std::unexpected<Error> fail(Errc code, std::string message,
                                                 std::optional<std::size_t> offset = {}) {
  return std::unexpected(Error{code, std::move(message), offset});
}

[[nodiscard]] const char* errc_name(Errc code) noexcept;

}  // namespace mdg
