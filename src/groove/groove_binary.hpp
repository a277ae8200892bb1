#pragma once
// A compact binary form of a GrooveSet, for caches: decoding it costs a small fraction of
// parsing the JSON form (groove_json.hpp), which stays the shipped and reviewed format.
// Doubles are stored bit for bit, so a decoded set equals the encoded one. The bytes carry a
// magic, a format version, their length and a checksum; decoding checks them and the
// model's shape (grid, one entry per step, masks, sort orders, finite numbers) and refuses
// anything else, so a damaged or foreign file is an error, never a crash. Host byte order:
// a file from a machine of the other order fails the version check.
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "groove/groove_model.hpp"

namespace mdg {

[[nodiscard]] std::string groove_set_to_binary(const GrooveSet& set);
[[nodiscard]] Result<GrooveSet> groove_set_from_binary(std::string_view bytes);

// The header (magic, version, length, checksum) put in front of a payload: what
// groove_set_to_binary does after encoding; the fuzz target uses it to reach the decoder
// behind the checksum with arbitrary payloads.
[[nodiscard]] std::string groove_binary_frame(std::string_view payload);
// The payload of framed bytes (no checks; empty when too short for a header).
[[nodiscard]] std::string_view groove_binary_payload(std::string_view bytes);

}  // namespace mdg
