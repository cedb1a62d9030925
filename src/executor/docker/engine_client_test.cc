// Against the real Docker daemon started by scripts/services.sh (alpine:latest is the
// project's busybox image). Every test labels what it makes with a unique value.
#include "executor/docker/engine_client.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <random>

#include "executor/docker/docker_testing.h"
#include "executor/docker/labels.h"
#include "executor/docker/leftovers.h"
#include "executor/docker/multiplexed_stream.h"
#include "executor/docker/tar_builder.h"
#include "util/testing/test_util.h"

namespace executor::docker {
namespace {

std::string Unique() { return std::to_string(getpid()) + "-" + std::to_string(std::random_device{}() % 1000000); }

class EngineClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dialer_ = testing::LocalDaemon();
    ASSERT_TRUE(dialer_);
    engine_ = std::make_unique<EngineClient>(*dialer_);
    ASSERT_TRUE(engine_->Ping().ok()) << testing::kNoDaemon;
    tag_ = "engine-test-" + Unique();
  }
  void TearDown() override {
    if (!engine_) return;
    auto left = engine_->ListContainers({"com.spotrunner.test=" + tag_});
    if (left.ok()) {
      for (const auto& c : *left) (void)engine_->RemoveContainer(c.id);
    }
    auto vols = engine_->ListVolumes({"com.spotrunner.test=" + tag_});
    if (vols.ok()) {
      for (const auto& v : *vols) (void)engine_->RemoveVolume(v.name);
    }
    auto nets = engine_->ListNetworks({"com.spotrunner.test=" + tag_});
    if (nets.ok()) {
      for (const auto& n : *nets) (void)engine_->RemoveNetwork(n.id);
    }
  }
  ContainerSpec Spec(std::vector<std::string> cmd) {
    ContainerSpec s;
    s.image = "alpine:latest";
    s.cmd = std::move(cmd);
    s.labels = {{"com.spotrunner.test", tag_}};
    s.network_mode = "none";
    return s;
  }

  std::unique_ptr<util::StreamDialer> dialer_;
  std::unique_ptr<EngineClient> engine_;
  std::string tag_;
};

TEST_F(EngineClientTest, VersionIsNegotiated) {
  auto v = engine_->Version();
  ASSERT_OK(v);
  EXPECT_FALSE(v->api_version.empty());
  ASSERT_OK(engine_->InspectImage("alpine:latest"));
  EXPECT_FALSE(engine_->api_version().empty());
}

TEST_F(EngineClientTest, InspectImage) {
  auto img = engine_->InspectImage("alpine:latest");
  ASSERT_OK(img);
  EXPECT_EQ(img->id.rfind("sha256:", 0), 0u);
  auto missing = engine_->InspectImage("spotrunner-no-such-image:" + tag_);
  EXPECT_EQ(missing.status().code(), util::Status::Code::kNotFound);
  EXPECT_EQ(missing.status().message().rfind("docker image inspect: ", 0), 0u) << missing.status().message();
  EXPECT_NE(missing.status().message().find("No such image: spotrunner-no-such-image:"), std::string::npos);
}

TEST_F(EngineClientTest, CreatePutArchiveAttachStartWaitRemove) {
  auto id = engine_->CreateContainer(Spec({"sh", "-c", "cat /data/in.txt; echo to-stderr >&2; exit 7"}));
  ASSERT_OK(id);
  auto tar = BuildTar({{"data", "", 0755, true}, {"data/in.txt", "from the tar\n", 0644, false}});
  ASSERT_OK(tar);
  ASSERT_OK(engine_->PutArchive(*id, "/", *tar));
  EXPECT_EQ(*engine_->PathExists(*id, "/data/in.txt"), true);
  EXPECT_EQ(*engine_->PathExists(*id, "/data/none"), false);

  auto attach = engine_->Attach(*id);
  ASSERT_OK(attach);
  ASSERT_OK(engine_->StartContainer(*id));
  std::string out, err;
  FrameDecoder dec([&](StreamKind k, std::string_view b) { (k == StreamKind::kStderr ? err : out).append(b); });
  ASSERT_OK((*attach)->ReadBody([&](std::string_view b) { return dec.Feed(b); }));
  EXPECT_EQ(out, "from the tar\n");
  EXPECT_EQ(err, "to-stderr\n");
  auto code = engine_->WaitContainer(*id);
  ASSERT_OK(code);
  EXPECT_EQ(*code, 7);

  std::string logs;
  FrameDecoder log_dec([&](StreamKind, std::string_view b) { logs.append(b); });
  ASSERT_OK(engine_->Logs(*id, true, [&](std::string_view b) { return log_dec.Feed(b); }));
  EXPECT_NE(logs.find("from the tar"), std::string::npos);

  auto listed = engine_->ListContainers({"com.spotrunner.test=" + tag_});
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, *id);
  EXPECT_EQ((*listed)[0].labels.at("com.spotrunner.test"), tag_);
  EXPECT_EQ((*listed)[0].state, "exited");

  ASSERT_OK(engine_->RemoveContainer(*id));
  EXPECT_TRUE(engine_->ListContainers({"com.spotrunner.test=" + tag_})->empty());
  EXPECT_EQ(engine_->RemoveContainer(*id).code(), util::Status::Code::kNotFound);
}

TEST_F(EngineClientTest, KillStopsARunningContainer) {
  auto id = engine_->CreateContainer(Spec({"sleep", "30"}));
  ASSERT_OK(id);
  ASSERT_OK(engine_->StartContainer(*id));
  ASSERT_OK(engine_->KillContainer(*id));
  auto code = engine_->WaitContainer(*id);
  ASSERT_OK(code);
  EXPECT_EQ(*code, 137);
  EXPECT_EQ(engine_->KillContainer(*id).code(), util::Status::Code::kFailedPrecondition);
  ASSERT_OK(engine_->RemoveContainer(*id));
}

TEST_F(EngineClientTest, ErrorsNameTheCallAndCarryTheDaemonMessage) {
  ContainerSpec s = Spec({"true"});
  s.image = "spotrunner-no-such-image:" + tag_;
  auto id = engine_->CreateContainer(s);
  EXPECT_EQ(id.status().code(), util::Status::Code::kNotFound);
  EXPECT_EQ(id.status().message().rfind("docker container create: No such image: spotrunner-no-such-image:", 0), 0u)
      << id.status().message();
  EXPECT_EQ(engine_->StartContainer("no-such-container-" + tag_).code(), util::Status::Code::kNotFound);
}

TEST_F(EngineClientTest, PullFromAnUnreachableRegistryFails) {
  auto ref = ParseImageRef("127.0.0.1:9/spotrunner/none:1");
  ASSERT_OK(ref);
  util::Status s = engine_->PullImage(*ref, "", "", nullptr);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("docker image pull 127.0.0.1:9/spotrunner/none:1: ", 0), 0u) << s.message();
}

TEST_F(EngineClientTest, Volumes) {
  std::string name = "spotrunner-test-" + tag_;
  auto v = engine_->CreateVolume(name, {{"com.spotrunner.test", tag_}});
  ASSERT_OK(v);
  EXPECT_EQ(*v, name);
  auto listed = engine_->ListVolumes({"com.spotrunner.test=" + tag_});
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].name, name);
  ASSERT_OK(engine_->RemoveVolume(name));
  ASSERT_OK(engine_->RemoveVolume(name));  // forced: already gone is fine
}

TEST_F(EngineClientTest, RemoveLeftoversRemovesOnlyThatRunnersThings) {
  std::string token = "tok" + tag_;
  Labels mine = {{labels::kManaged, "true"}, {labels::kShortToken, token}, {"com.spotrunner.test", tag_}};
  Labels other = {{labels::kManaged, "true"}, {labels::kShortToken, token + "x"}, {"com.spotrunner.test", tag_}};
  ContainerSpec a = Spec({"sleep", "30"});
  a.labels = mine;
  ContainerSpec b = Spec({"true"});
  b.labels = other;
  auto ida = engine_->CreateContainer(a);
  ASSERT_OK(ida);
  ASSERT_OK(engine_->StartContainer(*ida));
  ASSERT_OK(engine_->CreateContainer(b));
  ASSERT_OK(engine_->CreateVolume("spotrunner-test-" + tag_ + "-a", mine));
  ASSERT_OK(engine_->CreateVolume("spotrunner-test-" + tag_ + "-b", other));

  int removed = 0;
  ASSERT_OK(RemoveLeftovers(*engine_, token, "", &removed));
  EXPECT_EQ(removed, 2);
  auto left = engine_->ListContainers({"com.spotrunner.test=" + tag_});
  ASSERT_OK(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].labels.at(labels::kShortToken), token + "x");
  auto vols = engine_->ListVolumes({"com.spotrunner.test=" + tag_});
  ASSERT_OK(vols);
  ASSERT_EQ(vols->size(), 1u);
  EXPECT_EQ((*vols)[0].name, "spotrunner-test-" + tag_ + "-b");
}

// Two managers of one config.toml (same token, different system_id) on one Engine: each
// removes only its own leftovers, the other's running container stays.
TEST_F(EngineClientTest, RemoveLeftoversKeepsAnotherManagersContainers) {
  std::string token = "tok" + tag_;
  Labels mine = {{labels::kManaged, "true"}, {labels::kShortToken, token}, {labels::kSystemId, "s_aaaaaaaaaaaa"},
                 {"com.spotrunner.test", tag_}};
  Labels theirs = mine;
  theirs[labels::kSystemId] = "s_bbbbbbbbbbbb";
  ContainerSpec a = Spec({"sleep", "30"});
  a.labels = mine;
  ContainerSpec b = Spec({"sleep", "30"});
  b.labels = theirs;
  auto ida = engine_->CreateContainer(a);
  ASSERT_OK(ida);
  auto idb = engine_->CreateContainer(b);
  ASSERT_OK(idb);
  ASSERT_OK(engine_->StartContainer(*idb));
  int removed = 0;
  ASSERT_OK(RemoveLeftovers(*engine_, token, "s_aaaaaaaaaaaa", &removed));
  EXPECT_EQ(removed, 1);
  auto left = engine_->ListContainers({"com.spotrunner.test=" + tag_});
  ASSERT_OK(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].labels.at(labels::kSystemId), "s_bbbbbbbbbbbb");
  ASSERT_OK(engine_->RemoveContainer(*idb));
}

// A user-defined network gives alias DNS even on an Engine without a default bridge; the
// leftover sweep removes the network after its containers.
TEST_F(EngineClientTest, NetworkAliasesResolveAndLeftoversRemoveNetworks) {
  std::string token = "tok" + tag_;
  Labels mine = {{labels::kManaged, "true"}, {labels::kShortToken, token}, {"com.spotrunner.test", tag_}};
  const std::string net = "spotrunner-test-" + tag_;
  auto net_id = engine_->CreateNetwork(net, mine);
  ASSERT_OK(net_id);
  EXPECT_EQ(engine_->CreateNetwork(net, mine).status().code(), util::Status::Code::kFailedPrecondition);
  auto nets = engine_->ListNetworks({"com.spotrunner.test=" + tag_});
  ASSERT_OK(nets);
  ASSERT_EQ(nets->size(), 1u);
  EXPECT_EQ((*nets)[0].name, net);

  ContainerSpec svc = Spec({"sh", "-c", "mkdir -p /www && echo served > /www/index.html && exec httpd -f -p 80 -h /www"});
  svc.labels = mine;
  svc.network_mode = net;
  svc.network_aliases = {"svc-one", "svc-two"};
  auto svc_id = engine_->CreateContainer(svc);
  ASSERT_OK(svc_id);
  ASSERT_OK(engine_->StartContainer(*svc_id));
  auto info = engine_->InspectContainer(*svc_id);
  ASSERT_OK(info);
  EXPECT_EQ(info->status, "running");
  EXPECT_EQ(info->ips.size(), 1u);
  EXPECT_TRUE(info->exposed_tcp_ports.empty());

  ContainerSpec client = Spec({"sh", "-c",
                               "for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://svc-two/ && exit 0; sleep 0.3; done; "
                               "exit 1"});
  client.labels = mine;
  client.network_mode = net;
  auto client_id = engine_->CreateContainer(client);
  ASSERT_OK(client_id);
  ASSERT_OK(engine_->StartContainer(*client_id));
  auto code = engine_->WaitContainer(*client_id);
  ASSERT_OK(code);
  EXPECT_EQ(*code, 0);
  std::string out;
  FrameDecoder decoder([&](StreamKind, std::string_view p) { out.append(p); });
  ASSERT_OK(engine_->Logs(*client_id, false, [&](std::string_view b) { return decoder.Feed(b); }));
  EXPECT_EQ(out, "served\n");

  EXPECT_FALSE(engine_->RemoveNetwork(*net_id).ok()) << "a network with containers on it stays";
  int removed = 0;
  ASSERT_OK(RemoveLeftovers(*engine_, token, "", &removed));
  EXPECT_EQ(removed, 3);
  nets = engine_->ListNetworks({"com.spotrunner.test=" + tag_});
  ASSERT_OK(nets);
  EXPECT_TRUE(nets->empty());
  EXPECT_EQ(engine_->RemoveNetwork(*net_id).code(), util::Status::Code::kNotFound);
}

}  // namespace
}  // namespace executor::docker
