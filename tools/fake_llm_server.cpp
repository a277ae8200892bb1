// fake_llm_server [--port N] [--reply FILE] [--fail N --fail-status S] [--delay-ms D]
//                 [--port-file FILE]
// A local stand-in for the OpenAI, Anthropic and Gemini APIs (and OpenAI-compatible servers):
// answers POST .../chat/completions, .../messages and .../models/<m>:generateContent in each
// API's wire format with a valid drum pattern for the bars, meter and tempo the prompt asks
// for (or the JSON in --reply FILE), after optional scripted failures. Runs until SIGINT or
// SIGTERM. Example:
//   fake_llm_server --port 8911 &
//   OPENAI_BASE_URL=http://127.0.0.1:8911/v1 OPENAI_API_KEY=x mididrumigen generate "John Bonham" --provider auto
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "fake_http_server.hpp"
#include "fake_llm_replies.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Fake OpenAI / Anthropic / Gemini server for local tests"};
  int port = 0;
  std::string reply_file;
  std::string port_file;
  int fail_count = 0;
  int fail_status = 503;
  int delay_ms = 0;
  app.add_option("--port", port, "port on 127.0.0.1 (0 = any free port)")->check(CLI::Range(0, 65535));
  app.add_option("--reply", reply_file,
                 "file whose text is served as the model's JSON answer (instead of a generated "
                 "drum pattern)")
      ->check(CLI::ExistingFile);
  app.add_option("--fail", fail_count, "answer the first N requests with an error")->check(CLI::Range(0, 1000000));
  app.add_option("--fail-status", fail_status,
                 "HTTP status of those errors, in each API's own format: 400, 401, 403, 429, "
                 "500, 503, 529")
      ->check(CLI::IsMember({400, 401, 403, 429, 500, 503, 529}));
  app.add_option("--delay-ms", delay_ms, "wait before every answer")->check(CLI::Range(0, 600000));
  app.add_option("--port-file", port_file, "write the port number to this file once listening");
  CLI11_PARSE(app, argc, argv);

  mdg::test::FakeLlmOptions options;
  options.fail_count = fail_count;
  options.fail_status = fail_status;
  options.delay = std::chrono::milliseconds(delay_ms);
  if (!reply_file.empty()) {
    std::ifstream in(reply_file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      std::fprintf(stderr, "fake_llm_server: cannot read %s\n", reply_file.c_str());
      return 1;
    }
    options.reply_text = text.str();
  }

  // Block the stop signals before any thread starts, so they all inherit the mask and only
  // sigwait below receives them.
  // A shell starts background jobs with SIGINT ignored; take it back to the default first.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    mdg::test::FakeHttpServer server(static_cast<std::uint16_t>(port));
    server.set_handler(mdg::test::fake_llm_handler(std::move(options)));
    if (!port_file.empty()) {
      std::ofstream out(port_file);
      out << server.port() << "\n";
      if (!out) {
        std::fprintf(stderr, "fake_llm_server: cannot write %s\n", port_file.c_str());
        return 1;
      }
    }
    std::printf("fake_llm_server listening on %s\n", server.base_url().c_str());
    std::printf("  OPENAI_BASE_URL=%s/v1  ANTHROPIC_BASE_URL=%s  GEMINI_BASE_URL=%s\n",
                server.base_url().c_str(), server.base_url().c_str(), server.base_url().c_str());
    std::fflush(stdout);
    int received = 0;
    sigwait(&stop_signals, &received);
    server.stop();
    std::printf("fake_llm_server: stopped after %zu requests\n", server.request_count());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fake_llm_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
