#pragma once
// Gradient-boosted regression trees with absolute (L1) loss: a small, deterministic learner
// for the conditional median of a target given a row of numeric features (Friedman 2001,
// "Greedy function approximation", least-absolute-deviation boosting). Each round fits a
// tree of limited depth to the signs of the current residuals (weighted least squares on
// histogram bins of the features), then sets every leaf to the weighted median of the
// residuals that reach it and adds it, scaled by the shrinkage. Rows are subsampled per
// round with the seeded Rng, so the same data and options give the same model, bit for bit.
// Models are stored as text (to_text / parse_gbt) with thresholds and leaf values as floats,
// so a model read back predicts exactly what the fitted one does.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace mdg {

struct GbtOptions {
  int trees = 300;            // boosting rounds (1-5000)
  int depth = 4;              // splits from root to leaf (1-8)
  double shrinkage = 0.1;     // scale of each tree's leaves (0-1]
  double subsample = 0.5;     // share of rows each round learns from (0-1]
  int min_leaf = 20;          // fewest rows in a leaf (>= 1)
  int bins = 32;              // histogram bins per feature (2-255)
  std::uint64_t seed = 1;
};

[[nodiscard]] Result<GbtOptions> validate(const GbtOptions& options);

// Training rows: `x` holds rows.size() * features values, row after row.
struct GbtData {
  std::size_t features = 0;
  std::vector<double> x;
  std::vector<double> y;
  std::vector<double> weight;  // empty = all 1; else one positive weight per row
  [[nodiscard]] std::size_t rows() const noexcept { return y.size(); }
};

struct GbtNode {
  std::int32_t feature = -1;  // -1 = leaf
  float threshold = 0.0F;     // go left when x[feature] <= threshold
  std::int32_t left = 0;      // child indices within the tree
  std::int32_t right = 0;
  float value = 0.0F;         // a leaf's contribution (shrinkage applied)
  friend bool operator==(const GbtNode&, const GbtNode&) = default;
};

class Gbt {
 public:
  Gbt() = default;
  // Errors: no rows, a row count that does not match x or weight, a non-finite value, a
  // non-positive weight, bad options (invalid_argument).
  [[nodiscard]] static Result<Gbt> fit(const GbtData& data, const GbtOptions& options);

  // `row` must hold features() values.
  [[nodiscard]] double predict(std::span<const double> row) const noexcept;
  [[nodiscard]] std::size_t features() const noexcept { return features_; }
  [[nodiscard]] std::size_t trees() const noexcept { return trees_.size(); }

  // "gbt 1 F BASE T" then per tree its node count and one line per node.
  [[nodiscard]] std::string to_text() const;
  friend bool operator==(const Gbt&, const Gbt&) = default;

 private:
  friend Result<Gbt> parse_gbt(std::string_view text);
  std::size_t features_ = 0;
  float base_ = 0.0F;
  std::vector<std::vector<GbtNode>> trees_;
};

// Reads to_text()'s format; a malformed model is a parse error saying what is wrong where.
[[nodiscard]] Result<Gbt> parse_gbt(std::string_view text);

}  // namespace mdg
