#pragma once
// Typed reading of one TOML table the way gitlab-runner's decoder matches keys: the exact
// key first, else a case-insensitive match. Each getter leaves *out untouched when the key is
// absent, converts and stores it when present, and reports a type error (with the value's
// line:column) to the DecodeContext otherwise. Finish() warns about every key no getter,
// Table() or Ignore() asked for. Internal to config/.
#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/decode_context.h"

namespace config {

class TableReader {
 public:
  // `path` names the table in messages ("runners.docker"); `id` names it uniquely for
  // positions ("runners[0].docker"). REQUIRES: table and *ctx outlive this reader.
  TableReader(const toml::table& table, std::string path, std::string id, DecodeContext* ctx);

  const std::string& path() const { return path_; }
  const std::string& id() const { return id_; }
  SourcePos pos() const;
  DecodeContext& ctx() const { return *ctx_; }

  void Get(std::string_view key, std::string* out);
  void Get(std::string_view key, bool* out);
  void Get(std::string_view key, std::optional<bool>* out);
  void Get(std::string_view key, int* out);
  void Get(std::string_view key, std::optional<int>* out);
  void Get(std::string_view key, int64_t* out);
  void Get(std::string_view key, double* out);  // integers are accepted too
  void Get(std::string_view key, std::vector<std::string>* out);  // array of strings
  void Get(std::string_view key, std::map<std::string, std::string>* out);  // table of strings
  void Get(std::string_view key, std::map<std::string, bool>* out);  // table of booleans
  void Get(std::string_view key, std::map<std::string, std::vector<std::string>>* out);  // table of string arrays
  // A Go duration string ("15m0s") or an integer number of nanoseconds.
  void GetDuration(std::string_view key, Duration* out);
  // A string (one element) or an array of strings.
  void GetStringOrList(std::string_view key, std::vector<std::string>* out);
  // A TOML date-time or a string; stored as RFC 3339 text.
  void GetDateTime(std::string_view key, std::string* out);

  // The sub-table `key` (nullopt when absent or not a table; the latter is an error).
  std::optional<TableReader> Table(std::string_view key);
  // The array of tables `key` (empty when absent; an error when not an array of tables).
  std::vector<TableReader> Tables(std::string_view key);
  // The raw node of `key`, marked as used; nullptr when absent. *written gets the key as
  // spelled in the file.
  const toml::node* Raw(std::string_view key, std::string* written = nullptr);
  // Keys (or whole tables) that gitlab-runner knows and spotrunner does not honour: each one
  // set to something other than an empty value (0, false, "", [] or {}) gets the warning
  // "key \"<path>.<key>\" is not supported by spotrunner; ignored" at its position. The
  // config still loads.
  void Unsupported(std::initializer_list<std::string_view> keys);
  // Keys accepted without a warning because they change nothing here (the reason is stated
  // at the call).
  void Ignore(std::initializer_list<std::string_view> keys);

  // Warns "unknown key \"<path>.<key>\"" for each key not used, at the key's position.
  void Finish();

  // Reports a type error for `node` found under the file key `written`.
  void TypeError(const toml::node& node, std::string_view written, std::string_view expected);
  // "<path>.<key>" as shown in messages.
  std::string Display(std::string_view written) const;

 private:
  struct Found {
    const toml::node* node = nullptr;
    std::string written;
  };
  Found Find(std::string_view key);
  bool ReadInt(const Found& f, int* out);
  void ReadStrings(const Found& f, std::vector<std::string>* out);

  const toml::table* table_;
  std::string path_;
  std::string id_;
  DecodeContext* ctx_;
  std::set<std::string, std::less<>> used_;
};

// Position of a node's first character.
SourcePos PosOf(const toml::node& node);
// "string", "integer", "float", "boolean", "date-time", "array", "table"...
const char* TypeName(const toml::node& node);
// RFC 3339 text of a TOML date-time ("2024-05-01T12:00:00Z").
std::string FormatDateTime(const toml::date_time& dt);

}  // namespace config
