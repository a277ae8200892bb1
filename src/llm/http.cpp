#include "llm/http.hpp"

#include <curl/curl.h>
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>

#include "core/text.hpp"

namespace mdg::llm {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) {
    return static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
  });
  return out;
}

struct Sink {
  HttpResponse* response;
  std::size_t max_bytes;
  bool overflow = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  if (sink->response->body.size() + n > sink->max_bytes) {
    sink->overflow = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  sink->response->body.append(data, n);
  return n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  const std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    sink->response->headers.clear();  // a new response (after 100 Continue): keep only its own
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;  // blank line ending the block
  sink->response->headers.emplace_back(lower(trim_space(line.substr(0, colon))),
                                       std::string(trim_space(line.substr(colon + 1))));
  return n;
}

// libcurl, loaded on the first request rather than linked: it brings some thirty shared
// libraries (TLS, Kerberos, LDAP, SSH...) whose loading cost every command about 13 ms of
// start-up on the reference machine (bench: CliVersion), though only the LLM providers use it.
struct Curl {
  CURL* (*easy_init)() = nullptr;
  void (*easy_cleanup)(CURL*) = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  CURLcode (*easy_perform)(CURL*) = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  const char* (*easy_strerror)(CURLcode) = nullptr;
  curl_slist* (*slist_append)(curl_slist*, const char*) = nullptr;
  void (*slist_free_all)(curl_slist*) = nullptr;
  std::string error;  // why it could not be loaded; empty when loaded
};

// Loads libcurl and initialises its process-wide state once (kept until the process ends).
const Curl& curl() {
  static Curl api;
  static std::once_flag once;
  std::call_once(once, [] {
    void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      const char* why = dlerror();
      api.error = std::string("HTTP requests need libcurl (libcurl.so.4, Debian package libcurl4), which could not be "
                              "loaded: ") + (why != nullptr ? why : "unknown error");
      return;
    }
    bool found = true;
    const auto bind = [&](auto& fn, const char* name) {
      void* sym = dlsym(lib, name);
      found = found && sym != nullptr;
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(sym);
    };
    CURLcode (*global_init)(long) = nullptr;
    bind(global_init, "curl_global_init");
    bind(api.easy_init, "curl_easy_init");
    bind(api.easy_cleanup, "curl_easy_cleanup");
    bind(api.easy_setopt, "curl_easy_setopt");
    bind(api.easy_perform, "curl_easy_perform");
    bind(api.easy_getinfo, "curl_easy_getinfo");
    bind(api.easy_strerror, "curl_easy_strerror");
    bind(api.slist_append, "curl_slist_append");
    bind(api.slist_free_all, "curl_slist_free_all");
    if (!found) {
      api.error = "the libcurl.so.4 found lacks the curl_easy functions this program uses";
    } else if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      api.error = "libcurl could not initialise";
    }
  });
  return api;
}

struct EasyDeleter {
  void operator()(CURL* h) const noexcept { curl().easy_cleanup(h); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const noexcept { curl().slist_free_all(l); }
};

HttpErrorKind classify(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT: return HttpErrorKind::timeout;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT: return HttpErrorKind::invalid;
    default: return HttpErrorKind::connection;
  }
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  const std::string key = lower(name);
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (it->first == key) return it->second;
  }
  return std::nullopt;
}

std::string without_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string redact(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  static constexpr std::string_view kMask = "[redacted]";
  for (auto pos = text.find(secret); pos != std::string::npos;
       pos = text.find(secret, pos + kMask.size())) {
    text.replace(pos, secret.size(), kMask);
  }
  return text;
}

std::expected<HttpResponse, HttpError> http_send(const HttpRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed_ms = [&] {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
  };
  const Curl& api = curl();
  if (!api.error.empty()) return std::unexpected(HttpError{HttpErrorKind::connection, api.error, 0, 0});
  std::unique_ptr<CURL, EasyDeleter> easy(api.easy_init());
  if (!easy) {
    return std::unexpected(HttpError{HttpErrorKind::connection,
                                     "libcurl could not create a request handle", 0, 0});
  }
  CURL* h = easy.get();
  HttpResponse response;
  Sink sink{&response, request.max_response_bytes};
  char error_buffer[CURL_ERROR_SIZE] = {};

  std::unique_ptr<curl_slist, ListDeleter> list;
  const auto add_header = [&list, &api](const std::string& line) {
    curl_slist* head = api.slist_append(list.get(), line.c_str());
    if (head == nullptr) return false;  // the old list is untouched and still owned
    (void)list.release();
    list.reset(head);
    return true;
  };
  for (const auto& [name, value] : request.headers) {
    if (!add_header(name + ": " + value)) {
      return std::unexpected(
          HttpError{HttpErrorKind::invalid, "out of memory building headers", 0, 0});
    }
  }
  // No "Expect: 100-continue" round trip for larger bodies.
  add_header("Expect:");

  api.easy_setopt(h, CURLOPT_URL, request.url.c_str());
  api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
  api.easy_setopt(h, CURLOPT_TIMEOUT_MS, request.total_timeout_ms);
  api.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  api.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  api.easy_setopt(h, CURLOPT_HTTPHEADER, list.get());
  api.easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  api.easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  api.easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  api.easy_setopt(h, CURLOPT_HEADERDATA, &sink);
  api.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode
  if (request.method == "POST") {
    api.easy_setopt(h, CURLOPT_POST, 1L);
    api.easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    api.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    api.easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty()) {
      api.easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      api.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
  }

  const CURLcode rc = api.easy_perform(h);
  const double latency = elapsed_ms();
  if (rc != CURLE_OK) {
    HttpError error;
    error.kind = classify(rc);
    error.curl_code = static_cast<int>(rc);
    error.latency_ms = latency;
    if (sink.overflow) {
      error.message = "the answer exceeded " + std::to_string(request.max_response_bytes) +
                      " bytes";
    } else if (error_buffer[0] != '\0') {
      error.message = std::string(trim_space(error_buffer));
    } else {
      error.message = api.easy_strerror(rc);
    }
    return std::unexpected(std::move(error));
  }
  long status = 0;
  api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  response.latency_ms = latency;
  return response;
}

}  // namespace mdg::llm
