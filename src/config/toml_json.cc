#include "config/toml_json.h"

#include <cstdint>
#include <sstream>

#include "config/table_reader.h"
#include "config/toml_text.h"

namespace config {

nlohmann::json TomlToJson(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: {
      nlohmann::json obj = nlohmann::json::object();
      for (auto&& [k, v] : *node.as_table()) obj[std::string(k.str())] = TomlToJson(v);
      return obj;
    }
    case toml::node_type::array: {
      nlohmann::json arr = nlohmann::json::array();
      for (const toml::node& el : *node.as_array()) arr.push_back(TomlToJson(el));
      return arr;
    }
    case toml::node_type::string: return node.as_string()->get();
    case toml::node_type::integer: return node.as_integer()->get();
    case toml::node_type::floating_point: return node.as_floating_point()->get();
    case toml::node_type::boolean: return node.as_boolean()->get();
    case toml::node_type::date_time: return FormatDateTime(node.as_date_time()->get());
    case toml::node_type::date: {
      std::ostringstream s;
      s << node.as_date()->get();
      return s.str();
    }
    case toml::node_type::time: {
      std::ostringstream s;
      s << node.as_time()->get();
      return s.str();
    }
    default: return nullptr;
  }
}

util::Result<std::string> JsonToTomlValue(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string: return TomlString(value.get<std::string>());
    case nlohmann::json::value_t::boolean: return std::string(value.get<bool>() ? "true" : "false");
    case nlohmann::json::value_t::number_integer: return std::to_string(value.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      uint64_t u = value.get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX)) {
        return util::Status::InvalidArgument("integer " + std::to_string(u) + " does not fit TOML's 64-bit integers");
      }
      return std::to_string(u);
    }
    case nlohmann::json::value_t::number_float: return TomlFloat(value.get<double>());
    case nlohmann::json::value_t::array: {
      std::string out = "[";
      bool first = true;
      for (const auto& el : value) {
        util::Result<std::string> v = JsonToTomlValue(el);
        if (!v.ok()) return v.status();
        out += (first ? "" : ", ") + *v;
        first = false;
      }
      return out + "]";
    }
    case nlohmann::json::value_t::object: {
      if (value.empty()) return std::string("{}");
      std::string out = "{ ";
      bool first = true;
      for (const auto& [k, v] : value.items()) {
        util::Result<std::string> text = JsonToTomlValue(v);
        if (!text.ok()) return text.status();
        out += (first ? "" : ", ") + TomlKey(k) + " = " + *text;
        first = false;
      }
      return out + " }";
    }
    default:
      return util::Status::InvalidArgument("JSON " + std::string(value.type_name()) + " has no TOML equivalent");
  }
}

}  // namespace config
