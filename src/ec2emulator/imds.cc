// Instance metadata (IMDSv2) as each instance sees it: the session token PUT and the
// metadata paths a spot fleet manager reads (spot/instance-action, events/recommendations/
// rebalance, identity). Tokens are required (HttpTokens=required), as the emulated
// instances' metadataOptions say.
#include <cstdlib>

#include "ec2emulator/emulator.h"
#include "ec2emulator/xml.h"

namespace ec2emulator {
namespace {

const char* kNotFoundBody =
    "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n"
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
    "\t\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n"
    " <head>\n  <title>404 - Not Found</title>\n </head>\n <body>\n  <h1>404 - Not Found</h1>\n </body>\n</html>\n";

HttpReply Text(int status, std::string body) { return HttpReply{status, std::move(body), "text/plain"}; }

}  // namespace

HttpReply Emulator::Imds(const std::string& instance_id, const std::string& method, const std::string& path,
                         const std::string& token, const std::string& ttl, bool forwarded) {
  std::lock_guard<std::mutex> l(mu_);
  const util::Time now = clock_.Now();
  AdvanceLocked(now);
  auto it = instances_.find(instance_id);
  if (it == instances_.end() || it->second.state == InstanceState::kTerminated) {
    return HttpReply{404, kNotFoundBody, "text/html"};
  }
  const Instance& i = it->second;
  if (method == "PUT") {
    if (path != "/latest/api/token") return Text(403, "");
    if (forwarded) return Text(403, "");
    char* end = nullptr;
    long secs = std::strtol(ttl.c_str(), &end, 10);
    if (ttl.empty() || *end || secs < 1 || secs > 21600) return Text(400, "");
    std::string t = NewId("", 56);
    for (size_t k = 0; k < t.size(); k += 3) t[k] = static_cast<char>(std::toupper(static_cast<unsigned char>(t[k])));
    imds_tokens_[t] = {instance_id, now + std::chrono::seconds(secs)};
    HttpReply r = Text(200, t);
    r.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", std::to_string(secs));
    return r;
  }
  if (method != "GET" && method != "HEAD") return Text(405, "");
  auto tok = imds_tokens_.find(token);
  if (token.empty() || tok == imds_tokens_.end() || tok->second.instance_id != instance_id) return Text(401, "");

  const std::string az_id = "use1-az" + std::to_string(i.zone.empty() ? 1 : (i.zone.back() - 'a' + 1));
  const std::string hostname = "ip-" + [&] {
    std::string s = i.private_ip;
    for (char& c : s) c = c == '.' ? '-' : c;
    return s;
  }() + ".ec2.internal";
  if (path == "/latest/meta-data/" || path == "/latest/meta-data") {
    std::string list =
        "ami-id\nhostname\ninstance-id\ninstance-life-cycle\ninstance-type\nlocal-hostname\nlocal-ipv4\nplacement/";
    if (i.rebalance_time) list += "\nevents/";
    if (i.interruption_time) list += "\nspot/";
    return Text(200, list);
  }
  if (path == "/latest/meta-data/ami-id") return Text(200, i.image_id);
  if (path == "/latest/meta-data/instance-id") return Text(200, i.id);
  if (path == "/latest/meta-data/instance-type") return Text(200, i.instance_type);
  if (path == "/latest/meta-data/instance-life-cycle") return Text(200, i.spot ? "spot" : "on-demand");
  if (path == "/latest/meta-data/local-ipv4") return Text(200, i.private_ip);
  if (path == "/latest/meta-data/hostname" || path == "/latest/meta-data/local-hostname") return Text(200, hostname);
  if (path == "/latest/meta-data/placement/") return Text(200, "availability-zone\navailability-zone-id\nregion");
  if (path == "/latest/meta-data/placement/availability-zone") return Text(200, i.zone);
  if (path == "/latest/meta-data/placement/availability-zone-id") return Text(200, az_id);
  if (path == "/latest/meta-data/placement/region") return Text(200, opt_.region);
  if (i.interruption_time) {
    if (path == "/latest/meta-data/spot/") return Text(200, "instance-action\ntermination-time");
    if (path == "/latest/meta-data/spot/instance-action") {
      return Text(200, "{\"action\": \"terminate\", \"time\": \"" + IsoSeconds(*i.interruption_time) + "\"}");
    }
    if (path == "/latest/meta-data/spot/termination-time") return Text(200, IsoSeconds(*i.interruption_time));
  }
  if (i.rebalance_time) {
    if (path == "/latest/meta-data/events/") return Text(200, "recommendations/");
    if (path == "/latest/meta-data/events/recommendations/") return Text(200, "rebalance");
    if (path == "/latest/meta-data/events/recommendations/rebalance") {
      return Text(200, "{\"noticeTime\": \"" + IsoSeconds(*i.rebalance_time) + "\"}");
    }
  }
  if (path == "/latest/user-data" && !i.user_data.empty()) return Text(200, i.user_data);
  if (path == "/latest/dynamic/instance-identity/document") {
    nlohmann::json doc = {{"accountId", opt_.account_id},
                          {"architecture", "x86_64"},
                          {"availabilityZone", i.zone},
                          {"imageId", i.image_id},
                          {"instanceId", i.id},
                          {"instanceType", i.instance_type},
                          {"pendingTime", IsoSeconds(i.launch_time)},
                          {"privateIp", i.private_ip},
                          {"region", opt_.region},
                          {"version", "2017-09-30"}};
    return Text(200, doc.dump(2));
  }
  return HttpReply{404, kNotFoundBody, "text/html"};
}

}  // namespace ec2emulator
