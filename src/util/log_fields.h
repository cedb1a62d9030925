#pragma once
// How log.h's fields travel inside an spdlog message: after the text, each field is
// "\x1f" + ('n' for a number, 's' for a string) + key + "=" + value. The unit separator
// never appears in a message otherwise (LogFields replaces it in keys and values).
#include <string>
#include <string_view>
#include <vector>

#include "util/log.h"

namespace util {

struct DecodedMessage {
  std::string message;
  std::vector<LogField> fields;
};

// Splits a payload into its text and its fields; a payload without fields is all text.
DecodedMessage DecodeLogMessage(std::string_view payload);

}  // namespace util
