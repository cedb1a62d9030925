#pragma once
// The values of [runners.docker] keys that need more than TOML types: memory sizes ("512m",
// "1g", "1024"), CPU counts ("1.5"), ulimits ("1024:2048"), GPU requests (Docker's --gpus
// syntax, as gitlab-runner parses it), tmpfs mount options and MAC addresses. Each parser
// returns kInvalidArgument naming the value; config/validate_docker.cc runs them at load so
// a bad value is an error with its file position, and the docker executor uses the results.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "util/status.h"

namespace config {

// Bytes of "<number>[b|k|m|g|t][b]" (binary units, case-insensitive); "" is 0.
util::Result<int64_t> ParseMemoryBytes(const std::string& s);
// Billionths of a CPU of a decimal count ("1.5" -> 1500000000); "" is 0.
util::Result<int64_t> ParseNanoCpus(const std::string& s);

struct Ulimit {
  std::string name;  // "nofile", "nproc", ...
  int64_t soft = 0;
  int64_t hard = 0;

  bool operator==(const Ulimit&) const = default;
};
// `name` = "soft[:hard]" (hard defaults to soft). The name must be one Docker knows.
util::Result<Ulimit> ParseUlimit(const std::string& name, const std::string& value);

// One Engine API DeviceRequest.
struct GpuRequest {
  std::string driver;
  int count = 0;  // -1 = all
  std::vector<std::string> device_ids;
  std::vector<std::vector<std::string>> capabilities;
  std::map<std::string, std::string> options;

  bool operator==(const GpuRequest&) const = default;
};
// A `gpus` value as `docker run --gpus` takes it: CSV fields "all" or a count, or
// driver=, count=, device=, capabilities=, options=. "" (or blanks) is no request.
util::Result<std::vector<GpuRequest>> ParseGpus(const std::string& s);

// OK when `options` ("rw,noexec,size=64m") are options Docker takes for a tmpfs mount.
util::Status CheckTmpfsOptions(const std::string& options);
// OK for "aa:bb:cc:dd:ee:ff" (or with '-').
util::Status CheckMacAddress(const std::string& mac);

}  // namespace config
