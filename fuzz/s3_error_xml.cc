// The XML error body of S3 (presigned PUT/GET of caches and artifacts) summarised for a
// message: "Code: Message", or "" when there is no code. Never longer than the body.
#include "artifacts/http_transfer.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  std::string summary = artifacts::S3ErrorSummary(body);
  FUZZ_CHECK(summary.size() <= body.size());
  return 0;
}
