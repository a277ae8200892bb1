// Speed targets of the foundation, each beside a baseline measured in the same run:
//   generate 4 variations x 4 bars in-process   (target: median < 2 ms)
//   the whole `mididrumigen generate` command   (target: median < 50 ms wall)
//   read + analyse all of ../shared/groove      (target: median < 1 s)
//   name lookup of every name in the knowledge base: exact, alias, typo and unknown
//   (unknown = lookup + the five closest names), average per lookup (target < 1 ms),
//   beside a plain std::unordered_map find of the folded names; opening the library
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
#include "core/text.hpp"
#include "style/library.hpp"
#include <unordered_map>

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

// Queries for the lookup benchmarks, built from the shipped knowledge base.
struct LookupSets {
  std::vector<std::string> exact;    // every name
  std::vector<std::string> alias;    // every alias
  std::vector<std::string> typo;     // every name of 6+ letters with one letter changed
  std::vector<std::string> unknown;  // every name spelled backwards plus a word
};

LookupSets lookup_sets(const mdg::StyleLibrary& library) {
  LookupSets sets;
  for (const auto& e : library.entries()) {
    sets.exact.push_back(e.name);
    for (const auto& a : e.aliases) sets.alias.push_back(a);
    std::string typo = e.name;
    if (typo.size() >= 6) {
      char& c = typo[typo.size() / 2];
      if (c >= 'a' && c < 'z') {
        ++c;
        sets.typo.push_back(typo);
      }
    }
    std::string reversed(e.name.rbegin(), e.name.rend());
    sets.unknown.push_back(reversed + " quartet");
  }
  return sets;
}

void run_lookups(benchmark::State& state, const mdg::StyleLibrary* library,
                 const std::vector<std::string>* queries, bool suggest) {
  std::size_t found = 0;
  for (auto _ : state) {
    for (const auto& q : *queries) {
      auto r = library->find(q);
      if (r) ++found;
      else if (suggest) benchmark::DoNotOptimize(library->suggest(q, 5));
      benchmark::DoNotOptimize(r);
    }
  }
  state.counters["queries"] = static_cast<double>(queries->size());
  state.counters["found_share"] =
      static_cast<double>(found) / static_cast<double>(queries->size() * state.iterations());
}

// Baseline: the folded names in a std::unordered_map, looked up by their folded text.
void run_baseline_map(benchmark::State& state, const std::vector<std::string>* queries) {
  std::unordered_map<std::string, std::size_t> map;
  for (std::size_t i = 0; i < queries->size(); ++i) map.emplace(mdg::fold_name((*queries)[i]), i);
  for (auto _ : state) {
    for (const auto& q : *queries) {
      auto it = map.find(mdg::fold_name(q));
      benchmark::DoNotOptimize(it);
    }
  }
  state.counters["queries"] = static_cast<double>(queries->size());
}

void BM_LibraryOpen(benchmark::State& state) {
  for (auto _ : state) {
    auto library = mdg::StyleLibrary::open(mdg::default_data_dir());
    if (!library) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(library);
  }
}
BENCHMARK(BM_LibraryOpen)->Repetitions(9)->ReportAggregatesOnly(true)->Unit(benchmark::kMillisecond);

// What the CLI does: the same with the header index cache (warm after the first run).
void BM_LibraryOpenCached(benchmark::State& state) {
  const fs::path cache = fs::temp_directory_path() / "mdg-bench-index-cache";
  for (auto _ : state) {
    auto library = mdg::StyleLibrary::open(mdg::default_data_dir(), cache);
    if (!library) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(library);
  }
  fs::remove_all(cache);
}
BENCHMARK(BM_LibraryOpenCached)->Repetitions(9)->ReportAggregatesOnly(true)->Unit(benchmark::kMillisecond);

// Baseline for opening: listing the artists folder and reading every file's bytes.
void BM_BaselineReadArtistFiles(benchmark::State& state) {
  const fs::path dir = mdg::default_data_dir() / "artists";
  for (auto _ : state) {
    std::size_t bytes = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
      std::ifstream in(e.path(), std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      bytes += text.size();
    }
    benchmark::DoNotOptimize(bytes);
  }
}
BENCHMARK(BM_BaselineReadArtistFiles)->Repetitions(9)->ReportAggregatesOnly(true)->Unit(benchmark::kMillisecond);

void print_per_lookup(const MedianReporter& r, const std::string& name, std::size_t queries,
                      const std::string& baseline, std::size_t baseline_queries) {
  const auto it = r.medians_ns.find(name);
  const auto base = r.medians_ns.find(baseline);
  if (it == r.medians_ns.end() || base == r.medians_ns.end() || queries == 0) return;
  const double us = it->second / 1e3 / static_cast<double>(queries);
  const double base_us = base->second / 1e3 / static_cast<double>(baseline_queries);
  std::cout << fmt::format("{:<22} {:>5} queries  median {:>9.3f} us/lookup  target < 1000 us  {:<4}  baseline "
                           "unordered_map find {:>7.3f} us/lookup  ratio {:>8.1f}x\n",
                           name, queries, us, us < 1000.0 ? "MET" : "MISS", base_us, us / base_us);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  auto library = mdg::StyleLibrary::open(mdg::default_data_dir());
  if (!library) {
    std::cerr << library.error().describe() << '\n';
    return 1;
  }
  const LookupSets sets = lookup_sets(*library);
  const mdg::StyleLibrary* lib = &*library;
  auto add = [](const char* name, auto fn) {
    benchmark::RegisterBenchmark(name, fn)->Repetitions(9)->ReportAggregatesOnly(true)->Unit(benchmark::kMillisecond);
  };
  add("BM_BaselineMapFind", [&sets](benchmark::State& st) { run_baseline_map(st, &sets.exact); });
  add("BM_LookupExact", [lib, &sets](benchmark::State& st) { run_lookups(st, lib, &sets.exact, false); });
  add("BM_LookupAlias", [lib, &sets](benchmark::State& st) { run_lookups(st, lib, &sets.alias, false); });
  add("BM_LookupTypo", [lib, &sets](benchmark::State& st) { run_lookups(st, lib, &sets.typo, false); });
  add("BM_LookupUnknown", [lib, &sets](benchmark::State& st) { run_lookups(st, lib, &sets.unknown, true); });
  MedianReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::cout << "\nSummary (medians; ratio = benchmark / baseline, same run)\n";
  print_ratio(reporter, "BM_Generate4x4", "BM_BaselineLoopCopy", 2.0);
  print_ratio(reporter, "BM_CliGenerate", "BM_BaselineCliVersion", 50.0);
  print_ratio(reporter, "BM_AnalyzeAllGroove", "BM_BaselineReadGrooveBytes", 1000.0);
  print_ratio(reporter, "BM_LibraryOpen", "BM_BaselineReadArtistFiles", 50.0);
  print_ratio(reporter, "BM_LibraryOpenCached", "BM_BaselineReadArtistFiles", 50.0);
  std::cout << fmt::format("\nName lookup over the whole base ({} entries), average per lookup:\n", lib->entries().size());
  print_per_lookup(reporter, "BM_LookupExact", sets.exact.size(), "BM_BaselineMapFind", sets.exact.size());
  print_per_lookup(reporter, "BM_LookupAlias", sets.alias.size(), "BM_BaselineMapFind", sets.exact.size());
  print_per_lookup(reporter, "BM_LookupTypo", sets.typo.size(), "BM_BaselineMapFind", sets.exact.size());
  print_per_lookup(reporter, "BM_LookupUnknown", sets.unknown.size(), "BM_BaselineMapFind", sets.exact.size());
  benchmark::Shutdown();
  return 0;
}
