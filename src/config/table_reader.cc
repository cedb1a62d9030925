#include "config/table_reader.h"

#include <cctype>
#include <cstdio>
#include <limits>

#include "config/duration.h"

namespace config {
namespace {

bool EqualFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

bool IsBareKey(std::string_view k) {
  if (k.empty()) return false;
  for (char c : k) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  }
  return true;
}

// A value that asks for nothing: 0, false, "", [] or {}.
bool IsEmptyValue(const toml::node& n) {
  if (auto* s = n.as_string()) return s->get().empty();
  if (auto* i = n.as_integer()) return i->get() == 0;
  if (auto* d = n.as_floating_point()) return d->get() == 0;
  if (auto* b = n.as_boolean()) return !b->get();
  if (auto* a = n.as_array()) return a->empty();
  if (auto* t = n.as_table()) return t->empty();
  return false;
}

SourcePos PosOfRegion(const toml::source_region& r) {
  return {static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

}  // namespace

SourcePos PosOf(const toml::node& node) { return PosOfRegion(node.source()); }

const char* TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "string";
    case toml::node_type::integer: return "integer";
    case toml::node_type::floating_point: return "float";
    case toml::node_type::boolean: return "boolean";
    case toml::node_type::date: return "local date";
    case toml::node_type::time: return "local time";
    case toml::node_type::date_time: return "date-time";
    case toml::node_type::array: return "array";
    case toml::node_type::table: return "table";
    default: return "nothing";
  }
}

std::string FormatDateTime(const toml::date_time& dt) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04u-%02u-%02uT%02u:%02u:%02u", unsigned{dt.date.year},
                unsigned{dt.date.month}, unsigned{dt.date.day}, unsigned{dt.time.hour},
                unsigned{dt.time.minute}, unsigned{dt.time.second});
  std::string out = buf;
  if (dt.time.nanosecond != 0) {
    std::snprintf(buf, sizeof buf, ".%09u", static_cast<unsigned>(dt.time.nanosecond));
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  if (dt.offset) {
    int minutes = dt.offset->minutes;
    if (minutes == 0) {
      out += "Z";
    } else {
      char sign = minutes < 0 ? '-' : '+';
      if (minutes < 0) minutes = -minutes;
      std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, minutes / 60, minutes % 60);
      out += buf;
    }
  }
  return out;
}

TableReader::TableReader(const toml::table& table, std::string path, std::string id, DecodeContext* ctx)
    : table_(&table), path_(std::move(path)), id_(std::move(id)), ctx_(ctx) {
  ctx_->Record(id_, PosOf(table));
}

SourcePos TableReader::pos() const { return PosOf(*table_); }

std::string TableReader::Display(std::string_view written) const {
  std::string k = IsBareKey(written) ? std::string(written) : "\"" + std::string(written) + "\"";
  return path_.empty() ? k : path_ + "." + k;
}

void TableReader::TypeError(const toml::node& node, std::string_view written, std::string_view expected) {
  ctx_->Fail(PosOf(node), "key \"" + Display(written) + "\": expected " + std::string(expected) + ", got " +
                              TypeName(node));
}

TableReader::Found TableReader::Find(std::string_view key) {
  Found found;
  if (const toml::node* exact = table_->get(key)) {
    found = {exact, std::string(key)};
  } else {
    for (auto&& [k, v] : *table_) {
      if (used_.count(k.str()) == 0 && EqualFold(k.str(), key)) {
        found = {&v, std::string(k.str())};
        break;
      }
    }
  }
  if (found.node != nullptr) {
    used_.insert(found.written);
    ctx_->Record(id_.empty() ? std::string(key) : id_ + "." + std::string(key), PosOf(*found.node));
  }
  return found;
}

const toml::node* TableReader::Raw(std::string_view key, std::string* written) {
  Found f = Find(key);
  if (written != nullptr) *written = f.written;
  return f.node;
}

void TableReader::Get(std::string_view key, std::string* out) {
  Found f = Find(key);
  if (f.node == nullptr) return;
  if (auto* v = f.node->as_string()) {
    *out = v->get();
  } else {
    TypeError(*f.node, f.written, "string");
  }
}

void TableReader::Get(std::string_view key, bool* out) {
  Found f = Find(key);
  if (f.node == nullptr) return;
  if (auto* v = f.node->as_boolean()) {
    *out = v->get();
  } else {
    TypeError(*f.node, f.written, "boolean");
  }
}

void TableReader::Get(std::string_view key, std::optional<bool>* out) {
  Found f = Find(key);
  if (f.node == nullptr) return;
  if (auto* b = f.node->as_boolean()) {
    *out = b->get();
  } else {
    TypeError(*f.node, f.written, "boolean");
  }
}

void TableReader::Get(std::string_view key, int64_t* out) {
  Found f = Find(key);
  if (f.node == nullptr) return;
  if (auto* v = f.node->as_integer()) {
    *out = v->get();
  } else {
    TypeError(*f.node, f.written, "integer");
  }
}

bool TableReader::ReadInt(const Found& f, int* out) {
  auto* v = f.node->as_integer();
  if (v == nullptr) {
    TypeError(*f.node, f.written, "integer");
    return false;
  }
  int64_t x = v->get();
  if (x < std::numeric_limits<int>::min() || x > std::numeric_limits<int>::max()) {
    ctx_->Fail(PosOf(*f.node), "key \"" + Display(f.written) + "\": value " + std::to_string(x) + " is out of range");
    return false;
  }
  *out = static_cast<int>(x);
  return true;
}

void TableReader::Get(std::string_view key, int* out) {
  Found f = Find(key);
  if (f.node != nullptr) ReadInt(f, out);
}

void TableReader::Get(std::string_view key, std::optional<int>* out) {
  Found f = Find(key);
  int v = 0;
  if (f.node != nullptr && ReadInt(f, &v)) *out = v;
}

void TableReader::Get(std::string_view key, double* out) {
  Found f = Find(key);
  if (f.node == nullptr) return;
  if (auto* d = f.node->as_floating_point()) {
    *out = d->get();
  } else if (auto* i = f.node->as_integer()) {
    *out = static_cast<double>(i->get());
  } else {
    TypeError(*f.node, f.written, "float");
  }
}

void TableReader::ReadStrings(const Found& f, std::vector<std::string>* out) {
  auto* arr = f.node->as_array();
  if (arr == nullptr) {
    TypeError(*f.node, f.written, "array of strings");
    return;
  }
  std::vector<std::string> values;
  for (const toml::node& el : *arr) {
    auto* s = el.as_string();
    if (s == nullptr) {
      ctx_->Fail(PosOf(el), "key \"" + Display(f.written) + "\": expected array of strings, found an element of type " +
                                TypeName(el));
      return;
    }
    values.push_back(s->get());
  }
  *out = std::move(values);
}

void TableReader::Get(std::string_view key, std::vector<std::string>* out) {
  Found f = Find(key);
  if (f.node != nullptr) ReadStrings(f, out);
}

void TableReader::Get(std::string_view key, std::map<std::string, std::string>* out) {
  Found f = Find(key);
  if (f.node == nullptr) return;
  auto* t = f.node->as_table();
  if (t == nullptr) {
    TypeError(*f.node, f.written, "table of strings");
    return;
  }
  std::map<std::string, std::string> values;
  for (auto&& [k, v] : *t) {
    auto* s = v.as_string();
    if (s == nullptr) {
      ctx_->Fail(PosOf(v), "key \"" + Display(f.written) + "." + std::string(k.str()) + "\": expected string, got " +
                               TypeName(v));
      return;
    }
    values[std::string(k.str())] = s->get();
    // Each entry's own line, for checks of its value (config/validate_docker.cc).
    ctx_->Record((id_.empty() ? "" : id_ + ".") + std::string(key) + "." + std::string(k.str()), PosOf(v));
  }
  *out = std::move(values);
}

void TableReader::Get(std::string_view key, std::map<std::string, bool>* out) {
  Found f = Find(key);
  if (f.node == nullptr) return;
  auto* t = f.node->as_table();
  if (t == nullptr) {
    TypeError(*f.node, f.written, "table of booleans");
    return;
  }
  std::map<std::string, bool> values;
  for (auto&& [k, v] : *t) {
    auto* b = v.as_boolean();
    if (b == nullptr) {
      ctx_->Fail(PosOf(v), "key \"" + Display(f.written) + "." + std::string(k.str()) + "\": expected boolean, got " +
                               TypeName(v));
      return;
    }
    values[std::string(k.str())] = b->get();
  }
  *out = std::move(values);
}

void TableReader::Get(std::string_view key, std::map<std::string, std::vector<std::string>>* out) {
  Found f = Find(key);
  if (f.node == nullptr) return;
  auto* t = f.node->as_table();
  if (t == nullptr) {
    TypeError(*f.node, f.written, "table of string arrays");
    return;
  }
  std::map<std::string, std::vector<std::string>> values;
  for (auto&& [k, v] : *t) {
    Found el{&v, f.written + "." + std::string(k.str())};
    std::vector<std::string> list;
    bool failed_before = ctx_->failed();
    ReadStrings(el, &list);
    if (!failed_before && ctx_->failed()) return;
    values[std::string(k.str())] = std::move(list);
  }
  *out = std::move(values);
}

void TableReader::GetDuration(std::string_view key, Duration* out) {
  Found f = Find(key);
  if (f.node == nullptr) return;
  if (auto* i = f.node->as_integer()) {
    *out = Duration(i->get());
    return;
  }
  auto* s = f.node->as_string();
  if (s == nullptr) {
    TypeError(*f.node, f.written, "duration (string like \"15m0s\" or integer nanoseconds)");
    return;
  }
  util::Result<Duration> d = ParseGoDuration(s->get());
  if (!d.ok()) {
    ctx_->Fail(PosOf(*f.node), "key \"" + Display(f.written) + "\": " + d.status().message());
    return;
  }
  *out = *d;
}

void TableReader::GetStringOrList(std::string_view key, std::vector<std::string>* out) {
  Found f = Find(key);
  if (f.node == nullptr) return;
  if (auto* s = f.node->as_string()) {
    *out = {s->get()};
  } else if (f.node->is_array()) {
    ReadStrings(f, out);
  } else {
    TypeError(*f.node, f.written, "string or array of strings");
  }
}

void TableReader::GetDateTime(std::string_view key, std::string* out) {
  Found f = Find(key);
  if (f.node == nullptr) return;
  if (auto* dt = f.node->as_date_time()) {
    *out = FormatDateTime(dt->get());
  } else if (auto* s = f.node->as_string()) {
    *out = s->get();
  } else {
    TypeError(*f.node, f.written, "date-time");
  }
}

std::optional<TableReader> TableReader::Table(std::string_view key) {
  Found f = Find(key);
  if (f.node == nullptr) return std::nullopt;
  auto* t = f.node->as_table();
  if (t == nullptr) {
    TypeError(*f.node, f.written, "table");
    return std::nullopt;
  }
  return TableReader(*t, Display(f.written), id_.empty() ? std::string(key) : id_ + "." + std::string(key), ctx_);
}

std::vector<TableReader> TableReader::Tables(std::string_view key) {
  std::vector<TableReader> out;
  Found f = Find(key);
  if (f.node == nullptr) return out;
  auto* arr = f.node->as_array();
  if (arr == nullptr) {
    TypeError(*f.node, f.written, "array of tables");
    return out;
  }
  std::string base = id_.empty() ? std::string(key) : id_ + "." + std::string(key);
  size_t index = 0;
  for (const toml::node& el : *arr) {
    auto* t = el.as_table();
    if (t == nullptr) {
      ctx_->Fail(PosOf(el), "key \"" + Display(f.written) + "\": expected array of tables, found an element of type " +
                                TypeName(el));
      return {};
    }
    out.emplace_back(*t, Display(f.written), base + "[" + std::to_string(index++) + "]", ctx_);
  }
  return out;
}

void TableReader::Ignore(std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) Find(k);
}

void TableReader::Unsupported(std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) {
    Found f = Find(k);
    if (f.node == nullptr || IsEmptyValue(*f.node)) continue;
    ctx_->Warn(PosOf(*f.node), "key \"" + Display(f.written) + "\" is not supported by spotrunner; ignored");
  }
}

void TableReader::Finish() {
  for (auto&& [k, v] : *table_) {
    if (used_.count(k.str()) != 0) continue;
    SourcePos pos = PosOfRegion(k.source());
    if (pos.line <= 0) pos = PosOf(v);
    ctx_->Warn(pos, "unknown key \"" + Display(k.str()) + "\"");
  }
}

}  // namespace config
