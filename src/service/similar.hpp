#pragma once
// The similar use case: the knowledge-base entries nearest to an artist (or a genre) in
// the style embedding (style/embedding.hpp), with their distances.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "style/embedding.hpp"
#include "style/library.hpp"

namespace mdg {

struct SimilarRequest {
  std::string name;
  std::size_t k = 10;  // 1-100
};

struct SimilarResponse {
  std::string query;
  std::string id;      // the entry (or genre) the name resolved to
  std::string name;
  std::size_t compared = 0;  // entries in the embedding
  std::vector<Neighbour> neighbours;  // nearest first
};

[[nodiscard]] Result<SimilarResponse> run_similar(const StyleLibrary& library, const SimilarRequest& request);
// "Nearest to John Bonham (john-bonham) among 512 entries:\n   1. 0.84  Ian Paice (ian-paice)\n..."
[[nodiscard]] std::string render_similar_text(const SimilarResponse& response);
[[nodiscard]] nlohmann::json similar_to_json(const SimilarResponse& response);

}  // namespace mdg
