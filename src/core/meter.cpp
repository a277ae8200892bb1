#include "core/meter.hpp"

#include <charconv>
#include <cmath>

namespace mdg {

const char* subdivision_name(Subdivision s) noexcept {
  return s == Subdivision::sixteenth ? "sixteenth" : "triplet";
}

Result<Subdivision> parse_subdivision(std::string_view text) {
  if (text == "sixteenth" || text == "16th") return Subdivision::sixteenth;
  if (text == "triplet") return Subdivision::triplet;
  return fail(Errc::invalid_argument,
              "unknown subdivision '" + std::string(text) + "'; allowed: sixteenth, triplet");
}

Result<Meter> Meter::make(int numerator, int denominator) {
  if (numerator < 1 || numerator > 16 ||
      (denominator != 2 && denominator != 4 && denominator != 8 && denominator != 16)) {
    return fail(Errc::invalid_argument,
                "time signature " + std::to_string(numerator) + "/" + std::to_string(denominator) +
                    " is not supported; allowed: numerator 1-16 over 2, 4, 8 or 16 "
                    "(e.g. 4/4, 3/4, 5/4, 6/8, 7/8, 12/8)");
  }
  return Meter{numerator, denominator};
}

Result<Meter> Meter::parse(std::string_view text) {
  const auto sep = text.find_first_of("/-");
  auto bad = [&] {
    return fail(Errc::invalid_argument, "time signature '" + std::string(text) +
                                            "' is not of the form N/D; allowed: numerator 1-16 "
                                            "over 2, 4, 8 or 16 (e.g. 4/4, 7/8, 12/8)");
  };
  if (sep == std::string_view::npos) return bad();
  int num = 0;
  int den = 0;
  const auto a = text.substr(0, sep);
  const auto b = text.substr(sep + 1);
  auto r1 = std::from_chars(a.data(), a.data() + a.size(), num);
  auto r2 = std::from_chars(b.data(), b.data() + b.size(), den);
  if (r1.ec != std::errc{} || r1.ptr != a.data() + a.size() || r2.ec != std::errc{} ||
      r2.ptr != b.data() + b.size()) {
    return bad();
  }
  return make(num, den);
}

std::string Meter::to_string() const {
  return std::to_string(numerator) + "/" + std::to_string(denominator);
}

std::vector<int> Meter::beat_groups() const {
  std::vector<int> groups;
  if (denominator != 8 && denominator != 16) {
    groups.assign(static_cast<std::size_t>(numerator), 1);
    return groups;
  }
  if (numerator % 3 == 0) {
    groups.assign(static_cast<std::size_t>(numerator / 3), 3);
    return groups;
  }
  // Odd meters: groups of two, with one group of three at the end (7/8 = 2+2+3),
  // and 5/8 as 3+2 (the common reading).
  if (numerator == 5) return {3, 2};
  int left = numerator;
  while (left > 3) {
    groups.push_back(2);
    left -= 2;
  }
  groups.push_back(left);
  return groups;
}

Result<double> validate_tempo(double bpm) {
  if (!std::isfinite(bpm) || bpm < kMinTempo || bpm > kMaxTempo) {
    return fail(Errc::invalid_argument,
                "tempo " + std::to_string(bpm) + " BPM is out of range; allowed: 40-300 BPM");
  }
  return bpm;
}

}  // namespace mdg
