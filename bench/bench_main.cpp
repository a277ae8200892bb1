// Speed targets of the foundation, each beside a baseline measured in the same run:
//   generate 4 variations x 4 bars in-process   (target: median < 2 ms)
//   the whole `mididrumigen generate` command   (target: median < 50 ms wall)
//   read + analyse all of ../shared/groove      (target: median < 1 s)
// Prints Google Benchmark's table, then medians and ratios against the baselines.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "generate/engine.hpp"
#include "midi/midi_file.hpp"
#include "service/analyze.hpp"
#include "style/library.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;

const mdg::StyleProfile& bonham() {
  static const mdg::StyleProfile profile = [] {
    auto library = mdg::StyleLibrary::open(mdg::default_data_dir());
    if (!library) throw std::runtime_error(library.error().describe());
    auto p = library->resolve("John Bonham");
    if (!p) throw std::runtime_error(p.error().describe());
    return *p;
  }();
  return profile;
}

// Baseline: the simplest possible "generator": one fixed bar copied four times into four
// patterns. What generation costs beyond building the output.
void BM_BaselineLoopCopy(benchmark::State& state) {
  mdg::Pattern bar;
  bar.length_ticks = bar.meter.ticks_per_bar();
  for (int s = 0; s < 16; ++s) {
    bar.hits.push_back({s * 120, 42, 90, 60});
    if (s % 8 == 0) bar.hits.push_back({s * 120, 36, 110, 60});
    if (s % 8 == 4) bar.hits.push_back({s * 120, 38, 110, 60});
  }
  for (auto _ : state) {
    std::vector<mdg::Pattern> out;
    for (int v = 0; v < 4; ++v) {
      mdg::Pattern p = bar;
      p.hits.clear();
      for (int b = 0; b < 4; ++b) {
        for (auto h : bar.hits) {
          h.tick += b * bar.length_ticks;
          p.hits.push_back(h);
        }
      }
      out.push_back(std::move(p));
    }
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_BaselineLoopCopy)->Repetitions(9)->ReportAggregatesOnly(true);

void BM_Generate4x4(benchmark::State& state) {
  const auto& profile = bonham();
  mdg::GenerateOptions options;
  options.bars = 4;
  options.variations = 4;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    options.seed = seed++;
    auto g = mdg::generate(profile, options);
    if (!g) state.SkipWithError(g.error().describe().c_str());
    benchmark::DoNotOptimize(g);
  }
}
BENCHMARK(BM_Generate4x4)->Repetitions(9)->ReportAggregatesOnly(true)->Unit(benchmark::kMicrosecond);

int spawn_and_wait(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Baseline: starting the same binary to print its version (process start-up alone).
void BM_BaselineCliVersion(benchmark::State& state) {
  for (auto _ : state) {
    if (spawn_and_wait({MDG_CLI_PATH, "--version"}) != 0) state.SkipWithError("cli failed");
  }
}
BENCHMARK(BM_BaselineCliVersion)->Repetitions(9)->ReportAggregatesOnly(true)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_CliGenerate(benchmark::State& state) {
  const auto out = fs::temp_directory_path() / "mdg-bench-out";
  for (auto _ : state) {
    if (spawn_and_wait({MDG_CLI_PATH, "generate", "John Bonham", "--seed", "7", "--out", out.string()}) != 0) {
      state.SkipWithError("generate failed");
    }
  }
  fs::remove_all(out);
}
BENCHMARK(BM_CliGenerate)->Repetitions(9)->ReportAggregatesOnly(true)->UseRealTime()->Unit(benchmark::kMillisecond);

std::vector<fs::path> groove_files() {
  std::vector<fs::path> files;
  const fs::path dir = fs::path(MDG_SHARED_DIR) / "groove";
  if (!fs::exists(dir)) return files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".mid") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Baseline: reading the bytes of every file (what analysis costs beyond I/O).
void BM_BaselineReadGrooveBytes(benchmark::State& state) {
  const auto files = groove_files();
  if (files.empty()) state.SkipWithError("../shared/groove not found");
  for (auto _ : state) {
    std::size_t total = 0;
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      total += bytes.size();
    }
    benchmark::DoNotOptimize(total);
  }
}
BENCHMARK(BM_BaselineReadGrooveBytes)->Repetitions(5)->ReportAggregatesOnly(true)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_AnalyzeAllGroove(benchmark::State& state) {
  const fs::path dir = fs::path(MDG_SHARED_DIR) / "groove";
  if (!fs::exists(dir)) state.SkipWithError("../shared/groove not found");
  for (auto _ : state) {
    auto report = mdg::analyze_path(dir);
    if (!report) state.SkipWithError(report.error().describe().c_str());
    benchmark::DoNotOptimize(report);
  }
}
BENCHMARK(BM_AnalyzeAllGroove)->Repetitions(5)->ReportAggregatesOnly(true)->UseRealTime()->Unit(benchmark::kMillisecond);

// Keeps the medians so the ratios can be printed after the table.
class MedianReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> medians_ns;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      if (run.aggregate_name == "median") {
        const double seconds = run.GetAdjustedRealTime() /
                               benchmark::GetTimeUnitMultiplier(run.time_unit);
        medians_ns[run.run_name.function_name] = seconds * 1e9;
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

void print_ratio(const MedianReporter& r, const std::string& name, const std::string& baseline,
                 double target_ms) {
  const auto it = r.medians_ns.find(name);
  const auto base = r.medians_ns.find(baseline);
  if (it == r.medians_ns.end() || base == r.medians_ns.end()) return;
  const double ms = it->second / 1e6;
  std::cout << fmt::format("{:<22} median {:>10.3f} ms  target < {:>7.1f} ms  {:<4}  baseline {:<26} {:>10.3f} ms  ratio {:>8.2f}x\n",
                           name, ms, target_ms, ms < target_ms ? "MET" : "MISS", baseline,
                           base->second / 1e6, it->second / base->second);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  MedianReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::cout << "\nSummary (medians; ratio = benchmark / baseline, same run)\n";
  print_ratio(reporter, "BM_Generate4x4", "BM_BaselineLoopCopy", 2.0);
  print_ratio(reporter, "BM_CliGenerate", "BM_BaselineCliVersion", 50.0);
  print_ratio(reporter, "BM_AnalyzeAllGroove", "BM_BaselineReadGrooveBytes", 1000.0);
  benchmark::Shutdown();
  return 0;
}
