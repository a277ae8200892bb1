#include "service/similar.hpp"

#include <fmt/format.h>

namespace mdg {

Result<SimilarResponse> run_similar(const StyleLibrary& library, const SimilarRequest& request) {
  if (request.k < 1 || request.k > 100) {
    return fail(Errc::invalid_argument,
                fmt::format("--k {} is not allowed; allowed: whole numbers 1-100", request.k));
  }
  // Resolve first: an unknown name fails with its suggestions before the space is built.
  auto profile = library.resolve(request.name);
  if (!profile) return std::unexpected(profile.error());
  auto space = StyleSpace::build(library);
  if (!space) return std::unexpected(space.error());
  auto neighbours = space->nearest(profile->id, request.k);
  if (!neighbours) return std::unexpected(neighbours.error());
  SimilarResponse response;
  response.query = request.name;
  response.id = profile->id;
  response.name = profile->name;
  response.compared = space->size();
  response.neighbours = std::move(*neighbours);
  return response;
}

std::string render_similar_text(const SimilarResponse& r) {
  std::string out = fmt::format("Nearest to {} ({}) among {} entries (distance in the style embedding):\n",
                                r.name, r.id, r.compared);
  for (std::size_t i = 0; i < r.neighbours.size(); ++i) {
    const auto& n = r.neighbours[i];
    out += fmt::format("{:>3}. {:5.2f}  {} ({})\n", i + 1, n.distance, n.name, n.id);
  }
  return out;
}

nlohmann::json similar_to_json(const SimilarResponse& r) {
  nlohmann::json out = {{"query", r.query}, {"id", r.id}, {"name", r.name}, {"compared", r.compared},
                        {"neighbours", nlohmann::json::array()}};
  for (const auto& n : r.neighbours) {
    out["neighbours"].push_back({{"id", n.id}, {"name", n.name}, {"distance", n.distance}});
  }
  return out;
}

}  // namespace mdg
