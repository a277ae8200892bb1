#include "fake_http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mdg::test {
namespace {

constexpr std::size_t kMaxRequestBytes = 8u << 20u;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Parses the head of a request; false when it is not HTTP/1.x.
bool parse_head(std::string_view head, RecordedRequest& out, std::size_t& content_length) {
  content_length = 0;
  auto line_end = head.find("\r\n");
  const std::string_view first = head.substr(0, line_end);
  const auto sp1 = first.find(' ');
  const auto sp2 = first.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return false;
  out.method = std::string(first.substr(0, sp1));
  out.target = std::string(first.substr(sp1 + 1, sp2 - sp1 - 1));
  if (!first.substr(sp2 + 1).starts_with("HTTP/1.")) return false;
  while (line_end != std::string_view::npos) {
    const auto start = line_end + 2;
    line_end = head.find("\r\n", start);
    const std::string_view line = head.substr(start, line_end - start);
    if (line.empty()) continue;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    out.headers.emplace_back(lower(trim(line.substr(0, colon))),
                             std::string(trim(line.substr(colon + 1))));
    if (out.headers.back().first == "content-length") {
      content_length = std::stoul(out.headers.back().second);
    }
  }
  return true;
}

void send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client went away
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::optional<std::string> RecordedRequest::header(std::string_view name) const {
  const std::string key = lower(name);
  for (const auto& [k, v] : headers) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 529: return "Site Overloaded";
    default: return "Status";
  }
}

FakeHttpServer::FakeHttpServer(std::uint16_t port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("fake server: socket() failed");
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("fake server: cannot listen on 127.0.0.1:" + std::to_string(port) +
                             ": " + std::strerror(errno));
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("fake server: pipe() failed");
  }
  acceptor_ = std::thread([this] { accept_loop(); });
}

FakeHttpServer::~FakeHttpServer() { stop(); }

void FakeHttpServer::enqueue(FakeResponse response) {
  const std::scoped_lock lock(mutex_);
  script_.push_back(std::move(response));
}

void FakeHttpServer::set_handler(Handler handler) {
  const std::scoped_lock lock(mutex_);
  handler_ = std::move(handler);
}

std::string FakeHttpServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

std::vector<RecordedRequest> FakeHttpServer::requests() const {
  const std::scoped_lock lock(mutex_);
  return requests_;
}

std::size_t FakeHttpServer::request_count() const {
  const std::scoped_lock lock(mutex_);
  return requests_.size();
}

void FakeHttpServer::stop() {
  if (stopping_.exchange(true)) return;
  {
    const std::scoped_lock lock(mutex_);  // no waiter can miss the flag
  }
  stop_cv_.notify_all();
  const char byte = 1;
  (void)!::write(wake_pipe_[1], &byte, 1);
  if (acceptor_.joinable()) acceptor_.join();
  std::list<Connection> connections;
  {
    const std::scoped_lock lock(mutex_);
    connections.splice(connections.end(), connections_);
  }
  for (auto& c : connections) {
    if (c.thread.joinable()) c.thread.join();
  }
  ::close(listen_fd_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

bool FakeHttpServer::wait_for(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !stop_cv_.wait_for(lock, delay, [this] { return stopping_.load(); });
}

void FakeHttpServer::accept_loop() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if ((fds[1].revents & POLLIN) != 0 || stopping_) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const std::scoped_lock lock(mutex_);
    // Reap finished connections so a long-running server does not accumulate threads.
    for (auto it = connections_.begin(); it != connections_.end();) {
      if (it->done) {
        it->thread.join();
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }
    Connection& c = connections_.emplace_back();
    c.thread = std::thread([this, fd, &c] { serve(fd, &c); });
  }
}

FakeResponse FakeHttpServer::next_response(const RecordedRequest& request) {
  Handler handler;
  {
    const std::scoped_lock lock(mutex_);
    requests_.push_back(request);
    if (!script_.empty()) {
      FakeResponse r = std::move(script_.front());
      script_.pop_front();
      return r;
    }
    handler = handler_;
  }
  if (handler) return handler(request);
  return FakeResponse{404, {{"Content-Type", "application/json"}},
                      R"({"error":{"message":"no scripted answer","type":"not_found"}})", {},
                      false, std::nullopt};
}

void FakeHttpServer::serve(int fd, Connection* self) {
  std::string data;
  RecordedRequest request;
  bool complete = false;
  std::size_t head_end = std::string::npos;
  std::size_t content_length = 0;
  char buffer[16384];
  while (!stopping_ && data.size() < kMaxRequestBytes) {
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, 50);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
    if (head_end == std::string::npos) {
      head_end = data.find("\r\n\r\n");
      if (head_end == std::string::npos) continue;
      try {
        if (!parse_head(std::string_view(data).substr(0, head_end + 2), request,
                        content_length)) {
          break;
        }
      } catch (const std::exception&) {
        break;  // a malformed Content-Length
      }
    }
    if (data.size() >= head_end + 4 + content_length) {
      request.body = data.substr(head_end + 4, content_length);
      complete = true;
      break;
    }
  }
  if (complete) {
    const FakeResponse response = next_response(request);
    if (response.delay.count() <= 0 || wait_for(response.delay)) {
      if (!response.drop) {
        std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " +
                          std::string(reason_phrase(response.status)) + "\r\n";
        bool has_length = false;
        for (const auto& [k, v] : response.headers) {
          out += k + ": " + v + "\r\n";
          has_length = has_length || lower(k) == "content-length";
        }
        if (!has_length) out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
        out += "Connection: close\r\n\r\n";
        out += response.body;
        if (response.truncate_after) out.resize(std::min(out.size(), *response.truncate_after));
        send_all(fd, out);
      }
    }
  }
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
  self->done = true;
}

}  // namespace mdg::test
