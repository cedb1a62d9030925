#pragma once
// A long-lived container that runs a job's stage scripts one after another: starting a
// container is most of what a stage used to cost, so each image (the job's, the helper's)
// gets one per job. The container's main process is `sh` reading commands from its
// attached stdin. Each stage is one command: the stage's shell with the script as a
// here-document under a per-session nonce (so the script reaches the shell on stdin, as
// gitlab-runner feeds it, and is never written to the container's disk), then the nonce
// with the exit code on stdout and the nonce on stderr. A stage has ended once both
// markers arrived, so nothing the script wrote to either stream is lost or given to the
// next stage. gitlab-runner's Kubernetes executor feeds its build container the same way.
#include <memory>
#include <string>

#include "executor/docker/engine_client.h"
#include "executor/docker/engine_types.h"
#include "executor/executor.h"
#include "util/cancel.h"
#include "util/status.h"

namespace executor::docker {

// Not thread-safe, except that Run's CancelToken may fire from another thread.
class StageSession {
 public:
  // Creates the container of `spec` (its cmd becomes the session shell). It is not started:
  // the caller may look into its file system first (e.g. for /bin/bash).
  static util::Result<std::unique_ptr<StageSession>> Create(EngineClient& engine, ContainerSpec spec);
  ~StageSession();  // closes the attached stream; the caller removes the container
  StageSession(const StageSession&) = delete;
  StageSession& operator=(const StageSession&) = delete;

  // Attaches to stdin and output, then starts the container.
  util::Status Start();
  // Runs `script` with `shell` ("sh" or "bash") and streams its output to `out`. Returns
  // the exit code; kCancelled when `cancel` fired (the container is killed: the session
  // is then broken); another error when the container or the stream ended under it.
  util::Result<int> Run(const std::string& shell, const std::string& script, OutputSink& out,
                        const util::CancelToken& cancel);

  const std::string& id() const { return id_; }
  // False after a cancel or a lost container: later stages need a new session.
  bool usable() const { return started_ && !broken_; }

 private:
  StageSession(EngineClient& engine, std::string id, std::string nonce);
  util::Status ReadUntilMarkers(OutputSink& out, int* code);

  EngineClient& engine_;
  std::string id_;
  std::string nonce_;
  std::unique_ptr<HttpExchange> attach_;
  bool started_ = false;
  bool broken_ = false;
};

}  // namespace executor::docker
