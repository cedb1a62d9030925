#pragma once
// Test helper: an AWS Query API endpoint on loopback whose answers a test scripts. It
// records every request (action, decoded form parameters, headers) and answers with what
// the responder returns. Used for retry, pagination and error tests of the clients.
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "cloud/aws/sigv4.h"
#include "cloud/aws/testdata/loopback_server.h"

namespace cloud::aws::testing {

struct QueryRequest {
  std::string action;
  Fields params;
  std::string authorization;
  std::string Param(const std::string& name) const {
    for (const auto& [k, v] : params)
      if (k == name) return v;
    return "";
  }
};

struct QueryReply {
  int status = 200;
  std::string body;
};

class FakeQueryServer {
 public:
  using Responder = std::function<QueryReply(const QueryRequest&)>;
  explicit FakeQueryServer(Responder responder) : responder_(std::move(responder)) {
    // A content-reader handler: cpp-httplib refuses form bodies over 8 KiB otherwise, and
    // a TerminateInstances batch of 1000 ids is bigger.
    server_.server().Post("/", [this](const httplib::Request& req, httplib::Response& res,
                                      const httplib::ContentReader& read) {
      std::string body;
      read([&](const char* data, size_t n) {
        body.append(data, n);
        return true;
      });
      QueryRequest q;
      q.params = ParseQuery(body);
      for (const auto& [k, v] : q.params)
        if (k == "Action") q.action = v;
      q.authorization = req.get_header_value("Authorization");
      QueryReply reply;
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(q);
        reply = responder_(q);
      }
      res.status = reply.status;
      res.set_content(reply.body, "text/xml;charset=UTF-8");
    });
    server_.Start();
  }
  std::string url() const { return server_.url() + "/"; }
  std::vector<QueryRequest> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  int count(const std::string& action) {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (const auto& r : requests_) n += r.action == action;
    return n;
  }

 private:
  std::mutex mu_;
  Responder responder_;
  std::vector<QueryRequest> requests_;
  LoopbackServer server_;
};

inline std::string Ec2Error(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code + "</Code><Message>" +
         message + "</Message></Error></Errors><RequestID>req-1</RequestID></Response>";
}

}  // namespace cloud::aws::testing
