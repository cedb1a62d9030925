// The rule for the whole config: every key gitlab-runner documents is either honoured (it
// reaches the model: leaving it out of the file changes what is loaded) or reported at load
// as "not supported by spotrunner" at its own line, or with the table it sits in. The keys
// come from gitlab-runner's documentation (tests/fixtures/gitlab/documented_keys/, see
// SOURCES.md), so a key that spotrunner reads without using, or drops silently, fails here.
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <fstream>
#include <sstream>

#include "config/parse.h"
#include "util/testing/test_util.h"

namespace config {
namespace {

struct Leaf {
  std::vector<std::string> path;  // TOML keys, array indices as "[i]"
  std::string display;            // "runners.docker.memory" (as warnings name keys)
  int line = 0;
};

// Every key of `t` that holds a value (arrays of tables are walked, not counted).
void Walk(const toml::table& t, std::vector<std::string> path, std::string display, std::vector<Leaf>* out) {
  for (auto&& [k, v] : t) {
    std::vector<std::string> p = path;
    p.push_back(std::string(k.str()));
    std::string d = display.empty() ? std::string(k.str()) : display + "." + std::string(k.str());
    if (const toml::table* sub = v.as_table()) {
      Walk(*sub, p, d, out);
    } else if (const toml::array* a = v.as_array(); a != nullptr && a->is_array_of_tables()) {
      for (size_t i = 0; i < a->size(); ++i) {
        std::vector<std::string> pi = p;
        pi.push_back("[" + std::to_string(i) + "]");
        Walk(*a->get(i)->as_table(), pi, d, out);
      }
    } else {
      out->push_back({p, d, static_cast<int>(v.source().begin.line)});
    }
  }
}

void Erase(toml::table& root, const std::vector<std::string>& path) {
  toml::node* n = &root;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const std::string& k = path[i];
    if (k[0] == '[') {
      n = n->as_array()->get(std::stoul(k.substr(1)));
    } else {
      n = n->as_table()->get(k);
    }
  }
  n->as_table()->erase(path.back());
}

std::string Dump(const toml::table& t) {
  std::ostringstream out;
  out << toml::toml_formatter(t);
  return out.str();
}

util::Result<LoadedConfig> Load(const std::string& text) {
  return ParseConfig(text, "config.toml", [](const std::string&) { return std::nullopt; });
}

// Whether a warning reports `leaf` (or a table above it) as not supported.
bool Reported(const std::vector<std::string>& warnings, const Leaf& leaf) {
  std::string name = leaf.display;
  while (true) {
    for (const std::string& w : warnings) {
      if (w.find("key \"" + name + "\" is not supported by spotrunner") != std::string::npos) return true;
    }
    size_t dot = name.rfind('.');
    if (dot == std::string::npos) return false;
    name.resize(dot);
  }
}

TEST(DocumentedKeysTest, EveryGitlabRunnerKeyIsHonouredOrReported) {
  std::ifstream in(testutil::FixturePath("gitlab/documented_keys/advanced_configuration.toml"));
  ASSERT_TRUE(in) << "fixture missing";
  std::stringstream buf;
  buf << in.rdbuf();
  toml::table root = toml::parse(buf.str());
  util::Result<LoadedConfig> full = Load(buf.str());
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  for (const std::string& w : full->warnings) {
    EXPECT_EQ(w.find("unknown key"), std::string::npos) << "gitlab-runner knows it: " << w;
  }

  std::vector<Leaf> leaves;
  Walk(root, {}, "", &leaves);
  ASSERT_GT(leaves.size(), 250u);
  int honoured = 0, reported = 0;
  for (const Leaf& leaf : leaves) {
    if (Reported(full->warnings, leaf)) {
      ++reported;
      continue;
    }
    toml::table without = root;
    Erase(without, leaf.path);
    util::Result<LoadedConfig> less = Load(Dump(without));
    if (!less.ok() || !(less->config == full->config)) {
      ++honoured;
      continue;
    }
    ADD_FAILURE() << "line " << leaf.line << ": key \"" << leaf.display
                  << "\" is neither honoured (leaving it out changes nothing) nor reported as not supported";
  }
  std::cout << honoured << " keys honoured, " << reported << " reported as not supported\n";
}

// A reported key's warning points at the key itself.
TEST(DocumentedKeysTest, ReportsCarryTheKeysLine) {
  util::Result<LoadedConfig> l = Load("[[runners]]\nexecutor = \"docker\"\n[runners.docker]\nimage = \"x\"\n"
                                      "volume_keep = true\n");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->warnings,
            std::vector<std::string>{
                "config.toml:5:15: key \"runners.docker.volume_keep\" is not supported by spotrunner; ignored"});
}

}  // namespace
}  // namespace config
