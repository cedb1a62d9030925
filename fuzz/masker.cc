// The trace masker: masked values, URL parameters and token prefixes over a stream cut at
// any byte. The masked trace does not depend on how the stream was cut into writes.
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "job/masker.h"

namespace {

std::vector<std::string> List(std::string_view s) {
  std::vector<std::string> out;
  fuzzing::FuzzInput in(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  while (!in.empty()) out.emplace_back(in.Until('\x01'));
  return out;
}

std::string Mask(const job::MaskerOptions& opts, std::string_view text, std::string_view split) {
  job::Masker masker(opts);
  std::string out;
  fuzzing::ForEachPiece(text, split, [&](std::string_view piece) { masker.Write(piece, out); });
  out += masker.Flush();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzzing::FuzzInput in(data, size);
  uint8_t flags = in.Byte();
  job::MaskerOptions opts;
  opts.all_default_tokens = flags & 1;
  opts.url_params = flags & 2;
  opts.values = List(in.Until('\xff'));
  opts.extra_prefixes = List(in.Until('\xff'));
  std::string_view split = in.Until('\xff');
  std::string_view text = in.Rest();
  std::string whole = Mask(opts, text, {});
  std::string cut = Mask(opts, text, split);
  if (whole != cut) std::fprintf(stderr, "whole: %s\ncut:   %s\n", whole.c_str(), cut.c_str());
  FUZZ_CHECK(whole == cut);
  return 0;
}
