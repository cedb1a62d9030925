#include "cloud/aws/user_data.h"

#include <openssl/evp.h>

#include <cctype>

namespace cloud::aws {
namespace {

// cloud-init's part types, by the first line of a part (its "starts with" rules).
std::string ContentTypeOf(const std::string& part) {
  struct Rule {
    const char* prefix;
    const char* type;
  };
  static const Rule kRules[] = {{"#cloud-config", "text/cloud-config"}, {"#!", "text/x-shellscript"},
                                {"#include", "text/x-include-url"},    {"#cloud-boothook", "text/cloud-boothook"},
                                {"#part-handler", "text/part-handler"}, {"## template: jinja", "text/jinja2"}};
  for (const auto& r : kRules)
    if (part.rfind(r.prefix, 0) == 0) return r.type;
  return "text/plain";
}

bool IsMime(const std::string& part) {
  std::string head = part.substr(0, 32);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return head.rfind("content-type:", 0) == 0 || head.rfind("mime-version:", 0) == 0;
}

}  // namespace

std::string Base64(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

util::Result<std::string> BuildUserData(const std::string& ssh_user, const std::string& public_key,
                                        const std::string& user_part) {
  return BuildUserData(ssh_user, public_key, user_part, HostKey{});
}

util::Result<std::string> BuildUserData(const std::string& ssh_user, const std::string& public_key,
                                        const std::string& user_part, const HostKey& host_key) {
  if (public_key.find_first_of("\r\n") != std::string::npos || ssh_user.find_first_of("\r\n:") != std::string::npos)
    return util::Status::InvalidArgument("aws user data: the SSH user or the public key contains a line break");
  if (host_key.public_line.find_first_of("\r\n") != std::string::npos ||
      host_key.private_pem.empty() != host_key.public_line.empty())
    return util::Status::InvalidArgument("aws user data: the host key needs both halves, its public line on one line");
  std::string ours;
  if (!public_key.empty()) {
    ours = "#cloud-config\n"
           "users:\n"
           "  - default\n"
           "  - name: " + ssh_user + "\n"
           "    sudo: ALL=(ALL) NOPASSWD:ALL\n"
           "    shell: /bin/bash\n"
           "    ssh_authorized_keys:\n"
           "      - " + public_key + "\n";
  }
  if (!host_key.private_pem.empty()) {
    if (ours.empty()) ours = "#cloud-config\n";
    // A literal block keeps the key's lines; cloud-init writes it to
    // /etc/ssh/ssh_host_ed25519_key before sshd starts (and deletes the image's keys).
    ours += "ssh_keys:\n  ed25519_private: |\n";
    size_t i = 0;
    const std::string& pem = host_key.private_pem;
    while (i < pem.size()) {
      size_t j = pem.find('\n', i);
      if (j == std::string::npos) j = pem.size();
      std::string line = pem.substr(i, j - i);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) ours += "    " + line + "\n";
      i = j + 1;
    }
    ours += "  ed25519_public: " + host_key.public_line + "\n";
  }
  std::string out;
  if (user_part.empty()) {
    out = ours;
  } else if (ours.empty()) {
    out = user_part;
  } else {
    // A boundary that cannot occur in either part.
    std::string boundary = "==spotrunner-boundary==";
    while (user_part.find(boundary) != std::string::npos) boundary.insert(2, "x");
    out = "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\nMIME-Version: 1.0\n\n";
    out += "--" + boundary + "\n";
    if (IsMime(user_part)) {
      out += user_part;  // a part with its own headers (cloud-init walks nested archives)
    } else {
      out += "Content-Type: " + ContentTypeOf(user_part) + "; charset=\"utf-8\"\nMIME-Version: 1.0\n\n" + user_part;
    }
    if (out.back() != '\n') out += "\n";
    out += "--" + boundary + "\n";
    out += "Content-Type: text/cloud-config; charset=\"utf-8\"\nMIME-Version: 1.0\n"
           "Merge-Type: list(append)+dict(no_replace,recurse_list)+str()\n\n" + ours;
    out += "--" + boundary + "--\n";
  }
  if (out.size() > kMaxUserDataBytes)
    return util::Status::InvalidArgument("aws user data is " + std::to_string(out.size()) +
                                         " bytes with the fleet's SSH key; EC2 takes at most " +
                                         std::to_string(kMaxUserDataBytes));
  return out;
}

util::Result<std::string> WithCloudConfigPart(const std::string& user_data, const std::string& part,
                                              const std::string& what) {
  std::string out;
  if (user_data.empty()) {
    out = part;
  } else {
    std::string boundary = "==spotrunner-part==";
    while (user_data.find(boundary) != std::string::npos || part.find(boundary) != std::string::npos)
      boundary.insert(2, "x");
    out = "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\nMIME-Version: 1.0\n\n";
    out += "--" + boundary + "\n";
    if (IsMime(user_data)) out += user_data;
    else out += "Content-Type: " + ContentTypeOf(user_data) + "; charset=\"utf-8\"\nMIME-Version: 1.0\n\n" + user_data;
    if (out.back() != '\n') out += "\n";
    out += "--" + boundary + "\n";
    out += "Content-Type: text/cloud-config; charset=\"utf-8\"\nMIME-Version: 1.0\n"
           "Merge-Type: list(append)+dict(no_replace,recurse_list)+str()\n\n" + part;
    if (out.back() != '\n') out += "\n";
    out += "--" + boundary + "--\n";
  }
  if (out.size() > kMaxUserDataBytes)
    return util::Status::InvalidArgument("aws user data is " + std::to_string(out.size()) + " bytes with " + what +
                                         "; EC2 takes at most " + std::to_string(kMaxUserDataBytes));
  return out;
}

}  // namespace cloud::aws
