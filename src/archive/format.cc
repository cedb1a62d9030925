#include "archive/format.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace archives {

util::Result<Format> ParseFormat(std::string_view name) {
  if (name.empty() || name == "zip" || name == "zipzstd") return Format::kZip;
  if (name == "tarzstd") return Format::kTarZstd;
  if (name == "gzip") return Format::kGzip;
  if (name == "raw") return Format::kRaw;
  return util::Status::InvalidArgument("unknown archive format \"" + std::string(name) +
                                       "\" (expected zip, zipzstd, tarzstd, gzip or raw)");
}

Level ParseLevel(std::string_view name) {
  if (name == "fastest") return Level::kFastest;
  if (name == "fast") return Level::kFast;
  if (name == "slow") return Level::kSlow;
  if (name == "slowest") return Level::kSlowest;
  return Level::kDefault;
}

std::string_view FormatExtension(Format f) {
  switch (f) {
    case Format::kZip:
      return ".zip";
    case Format::kTarZstd:
      return ".tar.zst";
    case Format::kGzip:
      return ".gz";
    case Format::kRaw:
      return "";
  }
  return "";
}

Format DetectFormat(std::string_view b) {
  if (b.size() >= 4 && static_cast<unsigned char>(b[0]) == 0x28 && static_cast<unsigned char>(b[1]) == 0xB5 &&
      static_cast<unsigned char>(b[2]) == 0x2F && static_cast<unsigned char>(b[3]) == 0xFD) {
    return Format::kTarZstd;
  }
  if (b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0x1F && static_cast<unsigned char>(b[1]) == 0x8B) {
    return Format::kGzip;
  }
  return Format::kZip;
}

util::Result<Format> DetectFileFormat(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return util::Status::IOError("cannot open archive \"" + path + "\": " + std::strerror(errno));
  char buf[4] = {};
  in.read(buf, sizeof buf);
  return DetectFormat(std::string_view(buf, static_cast<size_t>(in.gcount())));
}

}  // namespace archives
