// Go duration strings ("15m0s", "1.5h", "-300ms"): parsed exactly, and what is accepted
// formats back to a string that parses to the same duration.
#include "config/duration.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto d = config::ParseGoDuration(text);
  if (!d.ok()) {
    FUZZ_CHECK(d.status().message().rfind("time: ", 0) == 0);
    return 0;
  }
  std::string formatted = config::FormatGoDuration(*d);
  auto back = config::ParseGoDuration(formatted);
  FUZZ_CHECK(back.ok() && *back == *d);
  return 0;
}
