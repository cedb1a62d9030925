// config.toml: TOML syntax, typed keys, durations, validation. Whatever the text, ParseConfig
// answers with a config or an error naming FILE:LINE:COL; a config it accepts is written
// back by FormatConfig into text that parses again to the same text (register and reload
// rely on that round trip).
#include <string>

#include "config/parse.h"
#include "config/write.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto loaded = config::ParseConfig(text, "fuzz.toml", no_env);
  if (!loaded.ok()) {
    FUZZ_CHECK(loaded.status().message().rfind("fuzz.toml:", 0) == 0);
    return 0;
  }
  auto written = config::FormatConfig(loaded->config);
  if (!written.ok()) return 0;  // e.g. plugin_config that is not a JSON object: an error, fine
  auto again = config::ParseConfig(*written, "written.toml", no_env);
  if (!again.ok()) std::fprintf(stderr, "%s\n--- written:\n%s\n", again.status().ToString().c_str(), written->c_str());
  FUZZ_CHECK(again.ok());
  auto rewritten = config::FormatConfig(again->config);
  FUZZ_CHECK(rewritten.ok() && *rewritten == *written);
  return 0;
}
