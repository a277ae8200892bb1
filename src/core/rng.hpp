#pragma once
// The only source of randomness: xoshiro256** seeded through SplitMix64. Our own
// distributions (not <random>'s) so the same seed gives the same bytes on every
// standard library.
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace mdg {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept;

  std::uint64_t next() noexcept;
  // Uniform in [0, 1).
  double uniform() noexcept;
  // Uniform integer in [0, n); n must be > 0.
  std::uint64_t below(std::uint64_t n) noexcept;
  // Standard normal (mean 0, sd 1), Box-Muller.
  double normal() noexcept;
  bool chance(double p) noexcept { return uniform() < p; }
  // An independent generator for sub-stream `stream` (e.g. variation index).
  [[nodiscard]] Rng fork(std::uint64_t stream) const noexcept;

 private:
  std::array<std::uint64_t, 4> s_{};
  std::uint64_t seed_ = 0;
  double spare_normal_ = 0.0;
  bool has_spare_ = false;
};

// Shuffles `items` (a vector or array) in place, Fisher-Yates from the back: the same
// generator state gives the same order.
template <typename Items>
void shuffle(Items& items, Rng& rng) noexcept {
  for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng.below(i)]);
}

}  // namespace mdg
