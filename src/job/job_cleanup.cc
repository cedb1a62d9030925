#include "job/job_cleanup.h"

#include <thread>

#include "util/cancel.h"

namespace job {

std::string RunJobCleanup(executor::Executor& exec, const std::string& script, executor::OutputSink& out,
                          std::chrono::milliseconds limit) {
  util::CancelToken token;
  util::CancelToken done;
  std::thread watchdog([&] {
    if (!done.WaitFor(limit)) token.Cancel("cleanup took longer than " + std::to_string(limit.count() / 1000) + " s");
  });
  util::Result<int> r = exec.Run({"cleanup_file_variables", false, script, false}, out, token);
  done.Cancel("finished");
  watchdog.join();
  if (!r.ok()) return r.status().message();
  if (*r != 0) return "the cleanup script exited with " + std::to_string(*r);
  return "";
}

}  // namespace job
