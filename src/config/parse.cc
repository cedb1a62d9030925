#include "config/parse.h"

#include <toml++/toml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/decode.h"
#include "config/decode_context.h"
#include "config/table_reader.h"
#include "config/validate.h"

namespace config {
namespace {

util::Status SyntaxError(const std::string& file_name, const toml::parse_error& e) {
  const toml::source_position& p = e.source().begin;
  return util::Status::InvalidArgument(file_name + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) +
                                       ": " + std::string(e.description()));
}

}  // namespace

util::Result<LoadedConfig> ParseConfig(std::string_view text, const std::string& file_name, const EnvLookup& env) {
  toml::table root;
#if TOML_EXCEPTIONS
  try {
    root = toml::parse(text, file_name);
  } catch (const toml::parse_error& e) {
    return SyntaxError(file_name, e);
  }
#else
  toml::parse_result parsed = toml::parse(text, file_name);
  if (!parsed) return SyntaxError(file_name, parsed.error());
  root = std::move(parsed).table();
#endif

  DecodeContext ctx(file_name);
  LoadedConfig loaded;
  TableReader reader(root, "", "", &ctx);
  DecodeGlobal(reader, &loaded.config);
  if (ctx.failed()) return ctx.error();

  for (RunnerConfig& r : loaded.config.runners) {
    r.url = ExpandEnv(r.url, env);
    r.token = ExpandEnv(r.token, env);
  }
  for (const Problem& p : CheckConfig(loaded.config)) {
    SourcePos pos = ctx.PositionOf(p.where);
    if (p.fatal) {
      ctx.Fail(pos, p.message);
      return ctx.error();
    }
    ctx.Warn(pos, p.message);
  }
  loaded.warnings = ctx.TakeWarnings();
  return loaded;
}

util::Result<LoadedConfig> LoadConfigFile(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    std::string msg = "cannot read config file \"" + path + "\": " + std::strerror(err != 0 ? err : EIO);
    if (err == ENOENT) return util::Status::NotFound(msg);
    if (err == EACCES || err == EPERM) return util::Status::PermissionDenied(msg);
    return util::Status::IOError(msg);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return util::Status::IOError("cannot read config file \"" + path + "\": " + std::strerror(EISDIR));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return util::Status::IOError("cannot read config file \"" + path + "\"");
  return ParseConfig(buf.str(), path);
}

}  // namespace config
