#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 for tests and tools/fake_llm_server: answers each
// connection's one request from a script (status, headers, body, a delay before answering,
// dropping the connection), records every request, and stops cleanly. Thread-safe.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace mdg::test {

struct FakeResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // sent as given
  std::string body;
  std::chrono::milliseconds delay{0};  // wait this long before answering
  bool drop = false;                   // close the connection without answering
  // Send only this many bytes of the complete answer (status line, headers, body), then close.
  std::optional<std::size_t> truncate_after;
};

struct RecordedRequest {
  std::string method;
  std::string target;  // path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;

  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

class FakeHttpServer {
 public:
  using Handler = std::function<FakeResponse(const RecordedRequest&)>;

  // Listens on 127.0.0.1:port (0 = any free port); throws std::runtime_error when it cannot.
  explicit FakeHttpServer(std::uint16_t port = 0);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  // Scripted answers, used in order; when none is left the handler answers (default: 404).
  void enqueue(FakeResponse response);
  void set_handler(Handler handler);

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::string base_url() const;  // "http://127.0.0.1:PORT"
  [[nodiscard]] std::vector<RecordedRequest> requests() const;
  [[nodiscard]] std::size_t request_count() const;

  // Stops accepting, wakes delayed answers, joins every thread. Idempotent.
  void stop();

 private:
  struct Connection {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  void accept_loop();
  void serve(int fd, Connection* self);
  FakeResponse next_response(const RecordedRequest& request);
  // Waits up to `delay`; false when the server is stopping.
  bool wait_for(std::chrono::milliseconds delay);

  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable stop_cv_;
  std::deque<FakeResponse> script_;
  Handler handler_;
  std::vector<RecordedRequest> requests_;
  std::list<Connection> connections_;  // guarded by mutex_
  std::thread acceptor_;
};

// "HTTP/1.1 <status> <reason>" reason phrases for the statuses the tests use.
[[nodiscard]] std::string_view reason_phrase(int status) noexcept;

}  // namespace mdg::test
