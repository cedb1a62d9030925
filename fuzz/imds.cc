// Answers of the instance metadata service and the other sources of the credential chain:
//  selector 0: the IMDSv2 token, the role list and the role's credentials document as
//              ImdsClient reads them (answers as in fuzz_http.h);
//  selector 1: the spot notices (instance-action, rebalance) read on an instance through
//              the probe's output, and a credentials document;
//  selector 2: CredentialChain over a shared credentials file and a config file (the two
//              pieces before '\xff') with IMDS answering from the rest.
// Any answer gives credentials, an event or a clear error.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cloud/aws/credential_chain.h"
#include "cloud/aws/imds_client.h"
#include "cloud/aws/interruption_probe.h"
#include "fuzz_http.h"

namespace {

namespace fs = std::filesystem;

// One scratch directory per process for the shared files, removed at exit.
const fs::path& Scratch() {
  static const fs::path dir = [] {
    std::string tmpl = (fs::temp_directory_path() / "sr-fuzz-imds-XXXXXX").string();
    FUZZ_CHECK(mkdtemp(tmpl.data()) != nullptr);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(Scratch(), ec);
    });
    return fs::path(tmpl);
  }();
  return dir;
}

void WriteFile(const fs::path& p, std::string_view bytes) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  FUZZ_CHECK(f.good());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzzing::QuietLogs();
  fuzzing::FuzzInput in(data, size);
  util::ManualClock clock{util::Time(std::chrono::seconds(1700000000))};
  switch (in.Byte() % 3) {
    case 0: {
      fuzzing::ScriptedTransport http(in, 5);  // token, roles, (401: token again, roles), document
      cloud::aws::ImdsClient imds(http, clock, "http://imds.fuzz.invalid");
      auto creds = imds.RoleCredentials();
      if (creds.ok()) FUZZ_CHECK(creds->expiration.has_value());
      FUZZ_CHECK(http.sent() <= 6);
      break;
    }
    case 1: {
      std::string output(in.Rest());
      auto event = cloud::aws::ParseProbeOutput("i-1", output, clock.Now());
      if (event) FUZZ_CHECK(event->id == "i-1");
      (void)cloud::aws::ParseImdsCredentials(output, "fuzz");
      (void)cloud::aws::ParseIso8601(output);
      break;
    }
    case 2: {
      fs::path credentials = Scratch() / "credentials", config = Scratch() / "config";
      WriteFile(credentials, in.Until('\xff'));
      WriteFile(config, in.Until('\xff'));
      fuzzing::ScriptedTransport http(in, 5);
      cloud::aws::CredentialChainOptions o;
      o.env = [](const std::string&) { return std::nullopt; };
      o.home = Scratch().string();
      o.profile = "ci";
      o.credentials_file = credentials.string();
      o.config_file = config.string();
      o.imds_endpoint = "http://imds.fuzz.invalid";
      cloud::aws::CredentialChain chain(o, http, clock);
      auto creds = chain.Get();
      if (creds.ok()) FUZZ_CHECK(!creds->empty());
      break;
    }
  }
  return 0;
}
