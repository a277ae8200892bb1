#include "groove/gbt.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "core/rng.hpp"

namespace mdg {
namespace {

// The weighted median of values (each with its weight): the smallest value whose cumulative
// weight reaches half the total.
double weighted_median(std::vector<std::pair<double, double>>& values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  double total = 0.0;
  for (const auto& v : values) total += v.second;
  double cumulative = 0.0;
  for (const auto& v : values) {
    cumulative += v.second;
    if (cumulative >= total / 2.0) return v.first;
  }
  return values.back().first;
}

// Bin edges of a feature with few distinct values (sorted, unique): every value but the
// largest. bin(x) = number of edges below x, so x <= edges[b] exactly when bin(x) <= b.
std::vector<float> distinct_edges(const std::vector<double>& distinct) {
  std::vector<float> edges;
  for (std::size_t i = 0; i + 1 < distinct.size(); ++i) {
    const auto e = static_cast<float>(distinct[i]);
    if (edges.empty() || e > edges.back()) edges.push_back(e);
  }
  while (!edges.empty() && !distinct.empty() && static_cast<double>(edges.back()) >= distinct.back()) edges.pop_back();
  return edges;
}

// Bin edges of a feature with many distinct values: its quantiles, as floats.
std::vector<float> quantile_edges(std::vector<double> values, int bins) {
  for (double& v : values) v = static_cast<double>(static_cast<float>(v));
  std::sort(values.begin(), values.end());
  std::vector<float> edges;
  const std::size_t n = values.size();
  for (int b = 1; b < bins; ++b) {
    const auto e = static_cast<float>(values[static_cast<std::size_t>(b) * (n - 1) / static_cast<std::size_t>(bins)]);
    if (edges.empty() || e > edges.back()) edges.push_back(e);
  }
  // The largest value needs no edge above it: everything is <= it.
  while (!edges.empty() && static_cast<double>(edges.back()) >= values.back()) edges.pop_back();
  return edges;
}

std::uint8_t bin_of(const std::vector<float>& edges, double x) {
  const auto it = std::lower_bound(edges.begin(), edges.end(), x,
                                   [](float e, double v) { return static_cast<double>(e) < v; });
  return static_cast<std::uint8_t>(it - edges.begin());
}

struct Split {
  double gain = 0.0;
  int feature = -1;
  int bin = 0;
};

}  // namespace

Result<GbtOptions> validate(const GbtOptions& o) {
  auto bad = [](const std::string& what, const std::string& allowed) {
    return fail(Errc::invalid_argument, "gradient-boosted trees: " + what + "; allowed: " + allowed);
  };
  if (o.trees < 1 || o.trees > 5000) return bad(fmt::format("trees {}", o.trees), "1-5000");
  if (o.depth < 1 || o.depth > 8) return bad(fmt::format("depth {}", o.depth), "1-8");
  if (!(o.shrinkage > 0.0 && o.shrinkage <= 1.0)) return bad(fmt::format("shrinkage {}", o.shrinkage), "(0, 1]");
  if (!(o.subsample > 0.0 && o.subsample <= 1.0)) return bad(fmt::format("subsample {}", o.subsample), "(0, 1]");
  if (o.min_leaf < 1) return bad(fmt::format("min_leaf {}", o.min_leaf), ">= 1");
  if (o.bins < 2 || o.bins > 255) return bad(fmt::format("bins {}", o.bins), "2-255");
  return o;
}

Result<Gbt> Gbt::fit(const GbtData& data, const GbtOptions& raw) {
  auto checked = validate(raw);
  if (!checked) return std::unexpected(checked.error());
  const GbtOptions& o = *checked;
  const std::size_t n = data.rows();
  const std::size_t nf = data.features;
  if (n == 0 || nf == 0) return fail(Errc::invalid_argument, "gradient-boosted trees: no rows or no features to learn from");
  if (data.x.size() != n * nf) {
    return fail(Errc::invalid_argument, fmt::format("gradient-boosted trees: {} feature values for {} rows of {} "
                                                    "features; expected rows x features",
                                                    data.x.size(), n, nf));
  }
  if (!data.weight.empty() && data.weight.size() != n) {
    return fail(Errc::invalid_argument, fmt::format("gradient-boosted trees: {} weights for {} rows; give one per "
                                                    "row or none", data.weight.size(), n));
  }
  for (double v : data.x) {
    if (!std::isfinite(v)) return fail(Errc::invalid_argument, "gradient-boosted trees: a feature value is not finite");
  }
  for (double v : data.y) {
    if (!std::isfinite(v)) return fail(Errc::invalid_argument, "gradient-boosted trees: a target is not finite");
  }
  for (double v : data.weight) {
    if (!std::isfinite(v) || v <= 0.0) {
      return fail(Errc::invalid_argument, "gradient-boosted trees: weights must be positive and finite");
    }
  }
  const auto weight = [&](std::size_t i) { return data.weight.empty() ? 1.0 : data.weight[i]; };

  // Bin every feature.
  std::vector<std::vector<float>> edges(nf);
  std::vector<double> column(n);
  for (std::size_t f = 0; f < nf; ++f) {
    for (std::size_t i = 0; i < n; ++i) column[i] = data.x[i * nf + f];
    std::vector<double> distinct = column;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    edges[f] = distinct.size() <= static_cast<std::size_t>(o.bins) ? distinct_edges(distinct)
                                                                    : quantile_edges(column, o.bins);
  }
  std::vector<std::uint8_t> binned(n * nf);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t f = 0; f < nf; ++f) binned[i * nf + f] = bin_of(edges[f], data.x[i * nf + f]);
  }
  const std::size_t max_bins = static_cast<std::size_t>(o.bins);

  Gbt model;
  model.features_ = nf;
  {
    std::vector<std::pair<double, double>> all(n);
    for (std::size_t i = 0; i < n; ++i) all[i] = {data.y[i], weight(i)};
    model.base_ = static_cast<float>(weighted_median(all));
  }
  std::vector<double> prediction(n, static_cast<double>(model.base_));
  std::vector<double> residual(n), gradient(n);
  Rng rng(o.seed);
  std::vector<std::size_t> sample;

  // Per feature and bin: summed weighted gradient, summed weight and row count.
  struct Cell {
    double g = 0.0, w = 0.0;
    std::uint32_t c = 0;
  };
  struct Histogram {
    std::vector<Cell> cells;
    double g_total = 0.0, w_total = 0.0;
  };
  const std::size_t cells = nf * max_bins;
  const auto build = [&](const std::vector<std::size_t>& rows) {
    Histogram h{std::vector<Cell>(cells), 0.0, 0.0};
    Cell* table = h.cells.data();
    for (const std::size_t i : rows) {
      const double w = weight(i);
      const double wg = w * gradient[i];
      h.g_total += wg;
      h.w_total += w;
      const std::uint8_t* b = &binned[i * nf];
      for (std::size_t f = 0; f < nf; ++f) {
        Cell& cell = table[f * max_bins + b[f]];
        cell.g += wg;
        cell.w += w;
        ++cell.c;
      }
    }
    return h;
  };
  struct Pending {
    std::int32_t node;
    int depth;
    std::vector<std::size_t> rows;
    Histogram hist;  // empty when the node cannot split (a leaf at the last level)
  };
  const auto splits = [&](int depth, std::size_t rows) {
    return depth < o.depth && rows >= 2 * static_cast<std::size_t>(o.min_leaf);
  };
  for (int t = 0; t < o.trees; ++t) {
    sample.clear();
    for (std::size_t i = 0; i < n; ++i) {
      if (o.subsample >= 1.0 || rng.uniform() < o.subsample) sample.push_back(i);
    }
    if (sample.empty()) sample.push_back(static_cast<std::size_t>(rng.below(n)));
    for (std::size_t i = 0; i < n; ++i) {
      residual[i] = data.y[i] - prediction[i];
      // Residuals within float rounding of the stored leaves count as fitted.
      const double eps = 1e-6 * (1.0 + std::fabs(data.y[i]));
      gradient[i] = residual[i] > eps ? 1.0 : (residual[i] < -eps ? -1.0 : 0.0);
    }
    std::vector<GbtNode> tree(1);
    std::vector<int> split_bin(1, 0);
    std::vector<Pending> todo;
    {
      Histogram root = splits(0, sample.size()) ? build(sample) : Histogram{};
      todo.push_back({0, 0, sample, std::move(root)});
    }
    while (!todo.empty()) {
      Pending p = std::move(todo.back());
      todo.pop_back();
      Split best;
      if (!p.hist.cells.empty()) {
        const Histogram& h = p.hist;
        const double parent = h.g_total * h.g_total / h.w_total;
        const auto count = static_cast<std::uint32_t>(p.rows.size());
        const auto min_leaf = static_cast<std::uint32_t>(o.min_leaf);
        for (std::size_t f = 0; f < nf; ++f) {
          double gl = 0.0, wl = 0.0;
          std::uint32_t cl = 0;
          for (std::size_t b = 0; b < edges[f].size(); ++b) {
            const std::size_t k = f * max_bins + b;
            gl += h.cells[k].g;
            wl += h.cells[k].w;
            cl += h.cells[k].c;
            if (cl < min_leaf) continue;
            if (count - cl < min_leaf) break;
            const double gr = h.g_total - gl, wr = h.w_total - wl;
            if (wl <= 0.0 || wr <= 0.0) continue;
            const double gain = gl * gl / wl + gr * gr / wr - parent;
            if (gain > best.gain + 1e-12) best = {gain, static_cast<int>(f), static_cast<int>(b)};
          }
        }
      }
      GbtNode& node = tree[static_cast<std::size_t>(p.node)];
      if (best.feature < 0) {
        std::vector<std::pair<double, double>> r;
        r.reserve(p.rows.size());
        for (const std::size_t i : p.rows) r.emplace_back(residual[i], weight(i));
        node.value = static_cast<float>(o.shrinkage * weighted_median(r));
        continue;
      }
      const auto f = static_cast<std::size_t>(best.feature);
      node.feature = best.feature;
      node.threshold = edges[f][static_cast<std::size_t>(best.bin)];
      std::vector<std::size_t> left, right;
      for (const std::size_t i : p.rows) {
        (binned[i * nf + f] <= best.bin ? left : right).push_back(i);
      }
      const auto l = static_cast<std::int32_t>(tree.size());
      node.left = l;
      node.right = l + 1;
      split_bin[static_cast<std::size_t>(p.node)] = best.bin;
      tree.resize(tree.size() + 2);
      split_bin.resize(tree.size(), 0);
      // The smaller child's histogram is counted, the larger one's is the parent's minus it.
      Histogram hl, hr;
      const bool split_l = splits(p.depth + 1, left.size()), split_r = splits(p.depth + 1, right.size());
      if (split_l || split_r) {
        const bool left_small = left.size() <= right.size();
        Histogram small = build(left_small ? left : right);
        Histogram large = std::move(p.hist);
        for (std::size_t k = 0; k < cells; ++k) {
          large.cells[k].g -= small.cells[k].g;
          large.cells[k].w -= small.cells[k].w;
          large.cells[k].c -= small.cells[k].c;
        }
        large.g_total -= small.g_total;
        large.w_total -= small.w_total;
        hl = left_small ? std::move(small) : std::move(large);
        hr = left_small ? std::move(large) : std::move(small);
        if (!split_l) hl = Histogram{};
        if (!split_r) hr = Histogram{};
      }
      todo.push_back({l + 1, p.depth + 1, std::move(right), std::move(hr)});
      todo.push_back({l, p.depth + 1, std::move(left), std::move(hl)});
    }
    // Every row moves by its leaf (the binned route equals the threshold route).
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t k = 0;
      while (tree[k].feature >= 0) {
        const auto f = static_cast<std::size_t>(tree[k].feature);
        k = static_cast<std::size_t>(binned[i * nf + f] <= split_bin[k] ? tree[k].left : tree[k].right);
      }
      prediction[i] += static_cast<double>(tree[k].value);
    }
    model.trees_.push_back(std::move(tree));
  }
  return model;
}

double Gbt::predict(std::span<const double> row) const noexcept {
  double sum = static_cast<double>(base_);
  for (const auto& tree : trees_) {
    std::size_t k = 0;
    while (tree[k].feature >= 0) {
      const auto f = static_cast<std::size_t>(tree[k].feature);
      const double x = f < row.size() ? row[f] : 0.0;
      k = static_cast<std::size_t>(x <= static_cast<double>(tree[k].threshold) ? tree[k].left : tree[k].right);
    }
    sum += static_cast<double>(tree[k].value);
  }
  return sum;
}

std::string Gbt::to_text() const {
  std::string out = fmt::format("gbt 1 {} {} {}\n", features_, base_, trees_.size());
  for (const auto& tree : trees_) {
    out += fmt::format("{}\n", tree.size());
    for (const GbtNode& node : tree) {
      if (node.feature < 0) {
        out += fmt::format("L {}\n", node.value);
      } else {
        out += fmt::format("S {} {} {} {}\n", node.feature, node.threshold, node.left, node.right);
      }
    }
  }
  return out;
}

namespace {

// A cursor over whitespace-separated tokens that knows its line for error messages.
class Tokens {
 public:
  explicit Tokens(std::string_view text) : text_(text) {}
  std::string_view next() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ' ' && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
    return text_.substr(start, pos_ - start);
  }
  [[nodiscard]] int line() const { return line_; }
  [[nodiscard]] bool at_end() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      if (text_[pos_] == '\n') ++line_;
      ++pos_;
    }
    return pos_ >= text_.size();
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

template <typename T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size();
}

}  // namespace

Result<Gbt> parse_gbt(std::string_view text) {
  Tokens tok(text);
  auto bad = [&](const std::string& what) {
    return fail(Errc::parse, fmt::format("tree model, line {}: {}", tok.line(), what));
  };
  if (tok.next() != "gbt") return bad("expected the header \"gbt 1 FEATURES BASE TREES\"");
  if (tok.next() != "1") return bad("unknown format version; this build reads version 1");
  Gbt model;
  std::size_t trees = 0;
  if (!parse_number(tok.next(), model.features_) || model.features_ == 0 || model.features_ > 10000) {
    return bad("feature count must be a whole number 1-10000");
  }
  if (!parse_number(tok.next(), model.base_) || !std::isfinite(model.base_)) return bad("base must be a finite number");
  if (!parse_number(tok.next(), trees) || trees == 0 || trees > 5000) return bad("tree count must be 1-5000");
  model.trees_.reserve(trees);
  for (std::size_t t = 0; t < trees; ++t) {
    std::size_t nodes = 0;
    if (!parse_number(tok.next(), nodes) || nodes == 0 || nodes > 100000) {
      return bad(fmt::format("tree {}: node count must be 1-100000", t));
    }
    std::vector<GbtNode> tree(nodes);
    for (std::size_t k = 0; k < nodes; ++k) {
      GbtNode& node = tree[k];
      const std::string_view kind = tok.next();
      if (kind == "L") {
        if (!parse_number(tok.next(), node.value) || !std::isfinite(node.value)) {
          return bad(fmt::format("tree {} node {}: a leaf needs a finite value", t, k));
        }
      } else if (kind == "S") {
        if (!parse_number(tok.next(), node.feature) || node.feature < 0 ||
            static_cast<std::size_t>(node.feature) >= model.features_ ||
            !parse_number(tok.next(), node.threshold) || !std::isfinite(node.threshold) ||
            !parse_number(tok.next(), node.left) || !parse_number(tok.next(), node.right)) {
          return bad(fmt::format("tree {} node {}: a split needs a feature below {}, a finite threshold and two "
                                 "child indices", t, k, model.features_));
        }
        // Children come after their parent, so every route ends at a leaf.
        const auto lo = static_cast<std::int32_t>(k);
        const auto hi = static_cast<std::int32_t>(nodes);
        if (node.left <= lo || node.left >= hi || node.right <= lo || node.right >= hi) {
          return bad(fmt::format("tree {} node {}: child indices must lie after the node and below {}", t, k, nodes));
        }
      } else {
        return bad(fmt::format("tree {} node {}: expected \"L value\" or \"S feature threshold left right\"", t, k));
      }
    }
    model.trees_.push_back(std::move(tree));
  }
  if (!tok.at_end()) return bad("unexpected text after the last tree");
  return model;
}

}  // namespace mdg
