// What the LLM path costs beyond the network (target: median overhead < 5 ms for 4 variations
// x 4 bars), beside its baseline measured in the same run: the local engine generating the same
// variations. The provider answers at once from memory with a valid 4-bar reply, so what is
// timed is the prompt (with the engine's few-shot example), the request building, the
// concurrent threads, the reply parsing and validation, the humanizer and the grid.
// Run: build/.../bench/bench_llm_overhead (bash bench/speed.sh builds a Release tree).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "generate/engine.hpp"
#include "llm/manager.hpp"
#include "style/library.hpp"

namespace {

const mdg::StyleProfile& rock() {
  static const mdg::StyleProfile profile = [] {
    auto library = mdg::StyleLibrary::open(mdg::default_data_dir());
    if (!library) throw std::runtime_error(library.error().describe());
    auto p = library->resolve("rock");
    if (!p) throw std::runtime_error(p.error().describe());
    return *p;
  }();
  return profile;
}

// A 4-bar rock reply of about 60 notes, as a model would write it.
std::string reply_text() {
  nlohmann::json notes = nlohmann::json::array();
  auto note = [&](int bar, double start, int pitch, int velocity) {
    notes.push_back({{"bar", bar}, {"start", start}, {"duration", 0.25}, {"pitch", pitch}, {"velocity", velocity}});
  };
  for (int b = 1; b <= 4; ++b) {
    for (int e = 0; e < 8; ++e) note(b, e * 0.5, 42, 80);
    note(b, 0, 36, 110);
    note(b, 2.5, 36, 100);
    note(b, 1, 38, 115);
    note(b, 3, 38, 112);
    note(b, 1.75, 38, 30);
    note(b, 3.75, 36, 90);
  }
  return nlohmann::json{{"tempo", 100}, {"meter", "4/4"}, {"bars", 4}, {"notes", notes}}.dump(1);
}

class InstantProvider final : public mdg::llm::Provider {
 public:
  [[nodiscard]] const std::string& name() const override { return name_; }
  [[nodiscard]] const std::string& model() const override { return model_; }
  [[nodiscard]] std::expected<mdg::llm::ChatReply, mdg::llm::ProviderFailure> complete(
      const mdg::llm::ChatRequest&) const override {
    mdg::llm::ChatReply r;
    r.text = text_;
    r.usage = {1500, 1800};
    return r;
  }

 private:
  std::string name_ = "instant";
  std::string model_ = "memory";
  std::string text_ = reply_text();
};

mdg::GenerateOptions options(int variations) {
  mdg::GenerateOptions o;
  o.bars = 4;
  o.variations = variations;
  o.tempo_bpm = 100;
  o.seed = 7;
  return o;
}

void BM_LocalEngine(benchmark::State& state) {  // the baseline
  const auto o = options(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(mdg::generate(rock(), o));
}
BENCHMARK(BM_LocalEngine)->Arg(1)->Arg(4)->Unit(benchmark::kMillisecond)->Repetitions(5);

void BM_LlmPathWithoutNetwork(benchmark::State& state) {
  const mdg::llm::SystemClock clock;
  const mdg::llm::Manager manager({{std::make_shared<InstantProvider>(), {}}}, {}, clock, nullptr);
  const auto o = options(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto out = mdg::llm::generate_with_llm(manager, rock(), o, "auto");
    if (!out || out->second.local_fallback) state.SkipWithError("the LLM path fell back to the local engine");
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_LlmPathWithoutNetwork)->Arg(1)->Arg(4)->Unit(benchmark::kMillisecond)->Repetitions(5);

void BM_ParseAndValidateReply(benchmark::State& state) {
  const auto text = reply_text();
  mdg::llm::ReplyExpectation e;
  for (auto _ : state) benchmark::DoNotOptimize(mdg::llm::check_reply(text, e));
}
BENCHMARK(BM_ParseAndValidateReply)->Unit(benchmark::kMicrosecond)->Repetitions(5);

// Collects the median of each benchmark's repetitions.
class MedianReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
        const auto& n = run.run_name;
        medians_[n.function_name + (n.args.empty() ? "" : "/" + n.args)] = run.GetAdjustedRealTime();
      }
    }
  }
  std::map<std::string, double> medians_;  // ms (or us for the parser)
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  MedianReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  auto& m = reporter.medians_;
  std::cout << "\nLLM path overhead beyond the network (medians, same run):\n";
  for (const char* n : {"1", "4"}) {
    const auto llm = m.find(std::string("BM_LlmPathWithoutNetwork/") + n);
    const auto local = m.find(std::string("BM_LocalEngine/") + n);
    if (llm == m.end() || local == m.end()) continue;
    std::cout << fmt::format("  {} variation(s) x 4 bars: LLM path {:.3f} ms, local engine {:.3f} ms, "
                             "ratio {:.2f}; overhead {} the 5 ms target\n",
                             n, llm->second, local->second, llm->second / std::max(local->second, 1e-9),
                             llm->second < 5.0 ? "within" : "OVER");
  }
  if (const auto p = m.find("BM_ParseAndValidateReply"); p != m.end()) {
    std::cout << fmt::format("  parse + validate one 4-bar reply: {:.1f} us\n", p->second);
  }
  return 0;
}
