// HTTP/1.1 answers of the Docker Engine over a stream (unix socket or SSH channel), arriving
// in pieces the fuzzer chooses: head and body framing (Content-Length, chunked, to EOF,
// 1xx, HEAD) give the same result whatever the pieces, and a body past the limit is an error.
#include <deque>
#include <memory>
#include <string>

#include "executor/docker/http_over_stream.h"
#include "fuzz_input.h"

namespace {

using executor::docker::HttpExchange;
using executor::docker::HttpRequest;

// Serves the answer in the given pieces, then end of stream; swallows what is written.
class PiecesStream final : public util::ByteStream {
 public:
  explicit PiecesStream(std::deque<std::string> pieces) : pieces_(std::move(pieces)) {}
  util::Status WriteAll(std::string_view) override { return util::Status::Ok(); }
  util::Result<size_t> Read(char* buf, size_t cap) override {
    if (pieces_.empty()) return size_t{0};
    std::string& front = pieces_.front();
    size_t n = std::min(cap, front.size());
    std::copy_n(front.data(), n, buf);
    front.erase(0, n);
    if (front.empty()) pieces_.pop_front();
    return n;
  }
  util::Status CloseWrite() override { return util::Status::Ok(); }
  void Close() override {}

 private:
  std::deque<std::string> pieces_;
};

std::string Exchange(const HttpRequest& req, std::string_view answer, std::string_view split) {
  std::deque<std::string> pieces;
  fuzzing::ForEachPiece(answer, split, [&](std::string_view p) { pieces.emplace_back(p); });
  HttpExchange ex(std::make_unique<PiecesStream>(std::move(pieces)));
  FUZZ_CHECK(ex.Send(req).ok());
  auto head = ex.ReadHead();
  if (!head.ok()) return "head error: " + head.status().ToString();
  std::string out = std::to_string(head->status) + " " + head->reason + "\n";
  for (const auto& [k, v] : head->headers) out += k + ": " + v + "\n";
  auto body = ex.ReadBodyString(64 << 10);
  if (!body.ok()) return out + "body error: " + body.status().ToString();
  FUZZ_CHECK(body->size() <= answer.size());
  return out + "\n" + *body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzzing::FuzzInput in(data, size);
  static const char* const kMethods[] = {"GET", "POST", "HEAD", "DELETE"};
  HttpRequest req;
  req.method = kMethods[in.Byte() % 4];
  req.target = "/v1.41/containers/json";
  std::string_view split = in.Until('\xff');
  std::string_view answer = in.Rest();
  std::string whole = Exchange(req, answer, {});
  std::string cut = Exchange(req, answer, split);
  if (whole != cut) std::fprintf(stderr, "whole:\n%s\ncut:\n%s\n", whole.c_str(), cut.c_str());
  FUZZ_CHECK(whole == cut);
  return 0;
}
