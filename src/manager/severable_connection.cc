#include "manager/severable_connection.h"

#include <algorithm>

namespace manager {

// Open streams, closed on Sever. Shared with the callbacks and the stream wrappers.
struct SeverableConnection::Streams {
  std::mutex mu;
  bool severed = false;
  std::vector<util::ByteStream*> open;
};

namespace {

class SeverableStream final : public util::ByteStream {
 public:
  SeverableStream(std::unique_ptr<util::ByteStream> inner, std::shared_ptr<void> owner,
                  std::mutex* mu, std::vector<util::ByteStream*>* open)
      : inner_(std::move(inner)), owner_(std::move(owner)), mu_(mu), open_(open) {}
  ~SeverableStream() override {
    std::lock_guard<std::mutex> l(*mu_);
    open_->erase(std::remove(open_->begin(), open_->end(), inner_.get()), open_->end());
  }
  util::Status WriteAll(std::string_view data) override { return inner_->WriteAll(data); }
  util::Result<size_t> Read(char* buf, size_t cap) override { return inner_->Read(buf, cap); }
  util::Status CloseWrite() override { return inner_->CloseWrite(); }
  void Close() override { inner_->Close(); }

 private:
  std::unique_ptr<util::ByteStream> inner_;
  std::shared_ptr<void> owner_;  // keeps the registry alive
  std::mutex* mu_;
  std::vector<util::ByteStream*>* open_;
};

}  // namespace

SeverableConnection::SeverableConnection(std::shared_ptr<connect::Connection> inner)
    : inner_(std::move(inner)), streams_(std::make_shared<Streams>()) {
  token_.OnCancel([s = streams_] {
    std::lock_guard<std::mutex> l(s->mu);
    s->severed = true;
    for (auto* st : s->open) st->Close();
  });
}

SeverableConnection::~SeverableConnection() = default;

void SeverableConnection::Sever(const std::string& why) { token_.Cancel(why); }

util::Status SeverableConnection::SeveredStatus() const {
  return util::Status::Unavailable("lost the instance: " + token_.reason());
}

util::Result<int> SeverableConnection::Exec(const std::string& command, std::string_view input,
                                            const connect::OutputFn& out, const util::CancelToken& cancel) {
  if (severed()) return SeveredStatus();
  auto both = std::make_shared<util::CancelToken>();
  cancel.OnCancel([both, &cancel] { both->Cancel(cancel.reason()); });
  token_.OnCancel([both] { both->Cancel("instance lost"); });
  util::Result<int> r = inner_->Exec(command, input, out, *both);
  if (severed()) return SeveredStatus();
  return r;
}

util::Result<std::unique_ptr<util::ByteStream>> SeverableConnection::DialUnix(const std::string& path) {
  if (severed()) return SeveredStatus();
  auto s = inner_->DialUnix(path);
  if (!s.ok()) return severed() ? util::Result<std::unique_ptr<util::ByteStream>>(SeveredStatus()) : std::move(s);
  std::lock_guard<std::mutex> l(streams_->mu);
  if (streams_->severed) {
    (*s)->Close();
    return SeveredStatus();
  }
  streams_->open.push_back(s->get());
  return std::unique_ptr<util::ByteStream>(
      std::make_unique<SeverableStream>(std::move(*s), streams_, &streams_->mu, &streams_->open));
}

util::Status SeverableConnection::Ping() {
  if (severed()) return SeveredStatus();
  return inner_->Ping();
}

}  // namespace manager
