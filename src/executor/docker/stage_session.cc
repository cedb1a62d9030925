#include "executor/docker/stage_session.h"

#include "executor/docker/abort_handle.h"
#include "executor/docker/cancel_watcher.h"
#include "executor/docker/multiplexed_stream.h"
#include "executor/docker/stage_marker.h"
#include "util/random_hex.h"

namespace executor::docker {

util::Result<std::unique_ptr<StageSession>> StageSession::Create(EngineClient& engine, ContainerSpec spec) {
  spec.cmd = {"sh"};
  spec.open_stdin = true;
  auto id = engine.CreateContainer(spec);
  if (!id.ok()) return id.status();
  return std::unique_ptr<StageSession>(new StageSession(engine, *id, util::RandomHex(32)));
}

StageSession::StageSession(EngineClient& engine, std::string id, std::string nonce)
    : engine_(engine), id_(std::move(id)), nonce_(std::move(nonce)) {}

StageSession::~StageSession() {
  if (attach_) attach_->Close();
}

util::Status StageSession::Start() {
  auto attach = engine_.Attach(id_, true);  // before start: no output can be missed
  if (!attach.ok()) return attach.status();
  attach_ = std::move(*attach);
  SR_RETURN_IF_ERROR(engine_.StartContainer(id_));
  started_ = true;
  return util::Status::Ok();
}

util::Result<int> StageSession::Run(const std::string& shell, const std::string& script, OutputSink& out,
                                    const util::CancelToken& cancel) {
  if (!usable()) return util::Status::FailedPrecondition("the stage container is not running");
  AbortHandle abort;
  AbortHandle::Registration reg(&abort, attach_.get());
  CancelWatcher watcher(cancel, [this, &abort] {
    abort.Abort();
    (void)engine_.KillContainer(id_);
  });
  // A quoted here-document: the script arrives verbatim; the nonce cannot be one of its
  // lines by accident.
  std::string line = shell + " -s <<'" + nonce_ + "'\n" + script;
  if (!script.empty() && script.back() != '\n') line += '\n';
  line += nonce_ + "\necho " + nonce_ + ":$?; echo " + nonce_ + " >&2\n";
  util::Status wrote = attach_->Write(line);
  int code = -1;
  util::Status read = wrote.ok() ? ReadUntilMarkers(out, &code) : wrote;
  if (cancel.cancelled()) {
    broken_ = true;
    std::string reason = cancel.reason();
    return util::Status::Cancelled(reason.empty() ? "job cancelled" : "job cancelled: " + reason);
  }
  if (!read.ok()) {
    broken_ = true;
    return read.WithContext("running the stage in container " + id_.substr(0, 12));
  }
  return code;
}

util::Status StageSession::ReadUntilMarkers(OutputSink& out, int* code) {
  StageMarkerScanner stdout_end(nonce_, true), stderr_end(nonce_, false);
  auto emit = [&out](std::string_view b) { out.Write(b); };
  FrameDecoder decoder([&](StreamKind kind, std::string_view bytes) {
    (kind == StreamKind::kStderr ? stderr_end : stdout_end).Feed(bytes, emit);
  });
  auto done = [&] { return stdout_end.found() && stderr_end.found(); };
  util::Status s = attach_->ReadBody([&](std::string_view bytes) {
    decoder.Feed(bytes);
    return !done();
  });
  if (!s.ok()) return s.WithContext("streaming the container's output");
  if (!done()) {  // the stream ended: the session shell is gone
    stdout_end.Flush(emit);
    stderr_end.Flush(emit);
    auto exit = engine_.WaitContainer(id_);
    return util::Status::Unavailable("the container stopped before the stage ended" +
                                     (exit.ok() ? " (exit code " + std::to_string(*exit) + ")" : std::string()));
  }
  *code = *stdout_end.code();
  return util::Status::Ok();
}

}  // namespace executor::docker
