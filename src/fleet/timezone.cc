#include "fleet/timezone.h"

#include <algorithm>

namespace fleet {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool Has(size_t n) const { return pos_ + n <= b_.size(); }
  int64_t Be(int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(b_[pos_ + i]);
    pos_ += bytes;
    if (bytes == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
    return static_cast<int64_t>(v);
  }
  void Skip(size_t n) { pos_ += n; }
  size_t pos() const { return pos_; }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

struct Header {
  int version = 0;
  int64_t isut = 0, isstd = 0, leap = 0, time = 0, type = 0, chars = 0;
};

bool ReadHeader(Reader& r, std::string_view b, Header* h) {
  if (!r.Has(44) || b.substr(r.pos(), 4) != "TZif") return false;
  char v = b[r.pos() + 4];
  h->version = v == 0 ? 1 : v - '0';
  r.Skip(20);
  h->isut = r.Be(4);
  h->isstd = r.Be(4);
  h->leap = r.Be(4);
  h->time = r.Be(4);
  h->type = r.Be(4);
  h->chars = r.Be(4);
  return h->type > 0 && h->time >= 0 && h->chars >= 0;
}

size_t BlockSize(const Header& h, int tsize) {
  return h.time * tsize + h.time + h.type * 6 + h.chars + h.leap * (tsize + 4) + h.isstd + h.isut;
}

}  // namespace

TimeZone TimeZone::FixedOffset(std::string name, int offset_s) {
  TimeZone z;
  z.name_ = std::move(name);
  z.initial_offset_ = offset_s;
  return z;
}

util::Result<TimeZone> TimeZone::FromTzif(const std::string& name, std::string_view bytes) {
  auto bad = [&](const std::string& what) {
    return util::Status::InvalidArgument("time zone " + name + ": " + what);
  };
  Reader r(bytes);
  Header h;
  if (!ReadHeader(r, bytes, &h)) return bad("not a TZif file");
  int tsize = 4;
  if (h.version >= 2) {  // skip the 32-bit block, read the 64-bit one
    if (!r.Has(BlockSize(h, 4))) return bad("truncated TZif data");
    r.Skip(BlockSize(h, 4));
    if (!ReadHeader(r, bytes, &h)) return bad("bad second TZif header");
    tsize = 8;
  }
  if (!r.Has(BlockSize(h, tsize))) return bad("truncated TZif data");
  TimeZone z;
  z.name_ = name;
  std::vector<int64_t> times(h.time);
  for (auto& t : times) t = r.Be(tsize);
  std::vector<int> idx(h.time);
  for (auto& i : idx) i = static_cast<int>(r.Be(1));
  std::vector<int> type_offsets(h.type);
  std::vector<bool> type_dst(h.type);
  for (int64_t i = 0; i < h.type; ++i) {
    type_offsets[i] = static_cast<int>(r.Be(4));
    type_dst[i] = r.Be(1) != 0;
    r.Skip(1);
  }
  for (int i : idx)
    if (i >= h.type) return bad("transition names a missing type");
  // RFC 8536 3.2: the type for instants before the first transition is type 0.
  z.initial_offset_ = type_offsets[0];
  z.transitions_ = std::move(times);
  for (int i : idx) z.offsets_.push_back(type_offsets[i]);
  if (!std::is_sorted(z.transitions_.begin(), z.transitions_.end())) return bad("unsorted transitions");
  return z;
}

int TimeZone::OffsetAt(util::Time t) const {
  int64_t s = util::UnixSeconds(t);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s);
  if (it == transitions_.begin()) return initial_offset_;
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

int64_t TimeZone::LocalSeconds(util::Time t) const {
  int64_t s = util::UnixSeconds(t);
  if (t.time_since_epoch().count() < 0 && t.time_since_epoch() % std::chrono::seconds(1) != util::Duration(0)) --s;
  return s + OffsetAt(t);
}

util::Result<TimeZone> LoadTimeZone(const std::string& name, const TzLoader& loader) {
  if (name == "UTC" || name == "Etc/UTC" || name == "Z") return TimeZone::Utc();
  if (name.find("..") != std::string::npos) return util::Status::InvalidArgument("time zone " + name + ": bad name");
  if (!loader) {
    if (name.empty()) return TimeZone::Utc();
    return util::Status::FailedPrecondition("time zone " + name + ": no zone database available");
  }
  auto bytes = loader(name);
  if (!bytes.ok()) return bytes.status().WithContext("time zone " + (name.empty() ? std::string("local") : name));
  return TimeZone::FromTzif(name.empty() ? "local" : name, *bytes);
}

}  // namespace fleet
