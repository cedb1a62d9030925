#pragma once
// Docker Engine API client over a util::StreamDialer (local unix socket or a channel through
// SSH): one new stream per call. Every error names the call ("docker container create: ...")
// and carries the daemon's own message; codes: kNotFound (404), kInvalidArgument (400),
// kFailedPrecondition (409 conflict, e.g. name in use or container not running),
// kPermissionDenied (401/403), kInternal (5xx), and the transport's codes (kUnavailable
// when the daemon socket does not answer, kCancelled when aborted).
// Thread-safe: calls from several threads run on separate streams.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "executor/docker/abort_handle.h"
#include "executor/docker/engine_types.h"
#include "executor/docker/http_over_stream.h"
#include "executor/docker/image_ref.h"
#include "util/byte_stream.h"
#include "util/status.h"

namespace executor::docker {

// Writes one piece of a request body; fails when the daemon stopped reading.
using ChunkWriter = std::function<util::Status(std::string_view)>;
// Writes a whole image archive through the ChunkWriter it is given.
using ImageArchiveProducer = std::function<util::Status(const ChunkWriter&)>;

class EngineClient {
 public:
  // The newest API version this client speaks; older daemons are spoken to in theirs.
  static constexpr const char* kMaxApiVersion = "1.41";

  // `dialer` must outlive the client.
  explicit EngineClient(util::StreamDialer& dialer) : dialer_(dialer) {}
  EngineClient(const EngineClient&) = delete;
  EngineClient& operator=(const EngineClient&) = delete;

  // GET /_ping (unversioned).
  util::Status Ping();
  // GET /version (unversioned); the first versioned call also uses it to choose the API
  // version: kMaxApiVersion, lowered to the daemon's, raised to its minimum.
  util::Result<VersionInfo> Version();
  // The chosen API version, "" before the first versioned call.
  std::string api_version() const;

  // GET /images/{ref}/json. kNotFound when the image is not present.
  util::Result<ImageInfo> InspectImage(const std::string& ref);
  // POST /images/create?fromImage=&tag=[&platform=]; `registry_auth` ("" = none) is sent as
  // X-Registry-Auth. `progress` ("" = ignore) receives each status line ("Pulling fs layer").
  // An "error" in the progress stream fails the call with that message.
  util::Status PullImage(const ImageRef& ref, const std::string& registry_auth, const std::string& platform,
                         const std::function<void(const std::string&)>& progress, AbortHandle* abort = nullptr);

  // POST /images/load?quiet=1: loads a docker-save tar that `produce` writes in pieces
  // through the writer it is given (streamed with chunked encoding, never held whole).
  // When `produce` fails the stream is closed (the daemon sees the body cut short) and its
  // error returned; an "error" in the daemon's answer (e.g. a truncated archive) fails the
  // call with that message. Which images the archive held is not returned: inspect them.
  util::Status LoadImage(const ImageArchiveProducer& produce, AbortHandle* abort = nullptr);
  // GET /images/{ref}/get: the image as a docker-save tar, streamed to `sink`.
  util::Status ExportImage(const std::string& ref, const BodySink& sink, AbortHandle* abort = nullptr);
  // POST /images/{ref}/tag?repo=&tag=.
  util::Status TagImage(const std::string& ref, const std::string& repo, const std::string& tag);
  // DELETE /images/{ref}: removes the tag `ref` (the image too when no tag is left and no
  // container uses it). kNotFound when there is no such image.
  util::Status RemoveImage(const std::string& ref);

  // POST /containers/create. Returns the container id.
  util::Result<std::string> CreateContainer(const ContainerSpec& spec);
  // PUT /containers/{id}/archive?path=: extracts `tar` into the existing directory `path`.
  util::Status PutArchive(const std::string& id, const std::string& path, const std::string& tar);
  // HEAD /containers/{id}/archive?path=: whether `path` exists in the container (which may
  // be created and not started).
  util::Result<bool> PathExists(const std::string& id, const std::string& path);
  // POST /containers/{id}/attach?stream=1&stdout=1&stderr=1[&stdin=1] (before start, so no
  // output is lost). Returns the exchange positioned at the multiplexed body (see
  // FrameDecoder), which ends when the container stops; with `with_stdin` (and a container
  // created with open_stdin) HttpExchange::Write feeds the container's stdin.
  util::Result<std::unique_ptr<HttpExchange>> Attach(const std::string& id, bool with_stdin = false);
  // GET /containers/{id}/logs?stdout=1&stderr=1[&follow=1][&timestamps=1]: the multiplexed
  // log to `sink`.
  util::Status Logs(const std::string& id, bool follow, const BodySink& sink, AbortHandle* abort = nullptr,
                    bool timestamps = false);
  // GET /containers/{id}/json.
  util::Result<ContainerInfo> InspectContainer(const std::string& id);
  util::Status StartContainer(const std::string& id);
  // POST /containers/{id}/wait: blocks until the container is not running; its exit code.
  util::Result<int> WaitContainer(const std::string& id, AbortHandle* abort = nullptr);
  // POST /containers/{id}/kill?signal=. kFailedPrecondition when it is not running.
  util::Status KillContainer(const std::string& id, const std::string& signal = "KILL");
  // POST /containers/{id}/stop?t=.
  util::Status StopContainer(const std::string& id, int timeout_seconds);
  // DELETE /containers/{id}?force=1&v=1 (also its anonymous volumes). kNotFound if gone.
  util::Status RemoveContainer(const std::string& id);
  // GET /containers/json?all=1&filters={"label":[...]}; each filter is "key" or "key=value".
  util::Result<std::vector<ContainerSummary>> ListContainers(const std::vector<std::string>& label_filters);

  // POST /networks/create (bridge driver, CheckDuplicate). `options` are the driver's
  // ("com.docker.network.driver.mtu"); `enable_ipv6` asks for IPv6 on it. Returns the network id.
  util::Result<std::string> CreateNetwork(const std::string& name, const Labels& labels,
                                          const std::map<std::string, std::string>& options = {},
                                          bool enable_ipv6 = false);
  // DELETE /networks/{id}. kNotFound when it is gone.
  util::Status RemoveNetwork(const std::string& id);
  // GET /networks?filters={"label":[...]}.
  util::Result<std::vector<NetworkSummary>> ListNetworks(const std::vector<std::string>& label_filters);

  // POST /volumes/create (local driver). Returns the volume name.
  util::Result<std::string> CreateVolume(const std::string& name, const Labels& labels);
  // DELETE /volumes/{name}?force=1. A volume already gone is not an error (the daemon
  // answers 204 for it when forced).
  util::Status RemoveVolume(const std::string& name);
  // GET /volumes?filters={"label":[...]}.
  util::Result<std::vector<VolumeSummary>> ListVolumes(const std::vector<std::string>& label_filters);

 private:
  util::Status EnsureVersion();
  std::string Path(const std::string& rest);  // "/v1.41" + rest
  util::Result<HttpResponse> Call(const std::string& name, HttpRequest req, AbortHandle* abort = nullptr);
  util::Status Open(const std::string& name, const HttpRequest& req, std::unique_ptr<HttpExchange>* ex,
                    HttpResponseHead* head);

  util::StreamDialer& dialer_;
  mutable std::mutex mu_;
  std::string api_version_;
};

// The Status for an answer with HTTP status >= 400 to the call `name`.
util::Status EngineError(const std::string& name, int status, const std::string& body);

}  // namespace executor::docker
