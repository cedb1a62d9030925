// DeliverHelperImage against the real Docker daemon of scripts/services.sh. The image is
// delivered under a tag of this test's own (spotrunner-helper:local itself is shared by
// every test and never loaded over or removed here); a counting dialer shows which
// requests reached the Engine.
#include "executor/docker/helper_delivery.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>

#include "executor/docker/docker_executor.h"
#include "executor/docker/docker_testing.h"
#include "util/testing/test_util.h"

namespace executor::docker {
namespace {

// Passes streams through and records each request line ("POST /v1.41/images/load?quiet=1").
class CountingDialer final : public util::StreamDialer {
 public:
  explicit CountingDialer(std::unique_ptr<util::StreamDialer> inner) : inner_(std::move(inner)) {}
  util::Result<std::unique_ptr<util::ByteStream>> Dial() override {
    auto s = inner_->Dial();
    if (!s.ok()) return s.status();
    return std::unique_ptr<util::ByteStream>(std::make_unique<Stream>(std::move(*s), this));
  }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> l(mu_);
    return requests_;
  }
  int Count(const std::string& needle) {
    int n = 0;
    for (const auto& r : requests()) n += r.find(needle) != std::string::npos;
    return n;
  }

 private:
  class Stream final : public util::ByteStream {
   public:
    Stream(std::unique_ptr<util::ByteStream> inner, CountingDialer* d) : inner_(std::move(inner)), d_(d) {}
    util::Status WriteAll(std::string_view data) override {
      if (first_) {
        first_ = false;
        std::lock_guard<std::mutex> l(d_->mu_);
        d_->requests_.emplace_back(data.substr(0, data.find('\r')));
      }
      return inner_->WriteAll(data);
    }
    util::Result<size_t> Read(char* buf, size_t cap) override { return inner_->Read(buf, cap); }
    util::Status CloseWrite() override { return inner_->CloseWrite(); }
    void Close() override { inner_->Close(); }

   private:
    std::unique_ptr<util::ByteStream> inner_;
    CountingDialer* d_;
    bool first_ = true;
  };
  std::unique_ptr<util::StreamDialer> inner_;
  std::mutex mu_;
  std::vector<std::string> requests_;
};

// A faulty source wrapping a real one: passes the first `limit` bytes, then ends the
// archive there (`fail` false: the Engine gets a truncated tar) or fails (`fail` true: the
// manager's side breaks off, as when the source's disk or Engine goes away).
class CutSource final : public HelperImageSource {
 public:
  CutSource(HelperImageSource& inner, uint64_t limit, bool fail) : inner_(inner), limit_(limit), fail_(fail) {}
  util::Result<ImageArchiveInfo> Inspect() override { return inner_.Inspect(); }
  util::Status Stream(const ChunkWriter& write, AbortHandle* abort) override {
    uint64_t sent = 0;
    util::Status s = inner_.Stream(
        [&](std::string_view piece) -> util::Status {
          if (sent >= limit_) return util::Status::Cancelled("cut");
          piece = piece.substr(0, limit_ - sent);
          sent += piece.size();
          return write(piece);
        },
        abort);
    if (s.code() != util::Status::Code::kCancelled || s.message() != "cut") return s;
    return fail_ ? util::Status::IOError("source broke off after " + std::to_string(sent) + " bytes") : util::Status::Ok();
  }
  std::string Describe() const override { return "cut " + inner_.Describe(); }

 private:
  HelperImageSource& inner_;
  uint64_t limit_;
  bool fail_;
};

class HelperDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dialer_ = std::make_unique<CountingDialer>(testing::LocalDaemon());
    engine_ = std::make_unique<EngineClient>(*dialer_);
    ASSERT_TRUE(engine_->Ping().ok()) << testing::kNoDaemon;
    auto helper = engine_->InspectImage(kDefaultHelperImage);
    ASSERT_OK(helper);
    helper_id_ = helper->id;
    std::mt19937 rng(std::random_device{}());
    repo_ = "spotrunner-helper-test-" + std::to_string(getpid()) + "-" + std::to_string(rng() % 1000000);
    ref_ = repo_ + ":t";
    // The archive: the helper image exported under this test's tag, which is then removed
    // again so that the Engine lacks `ref_` (the image stays, under its shared tag).
    ASSERT_OK(engine_->TagImage(kDefaultHelperImage, repo_, "t"));
    archive_ = (dir_.path() / "helper.tar").string();
    std::ofstream out(archive_, std::ios::binary);
    ASSERT_OK(engine_->ExportImage(ref_, [&](std::string_view p) { return static_cast<bool>(out.write(p.data(), p.size())); }));
    out.close();
    ASSERT_OK(engine_->RemoveImage(ref_));
  }
  void TearDown() override {
    if (engine_) (void)engine_->RemoveImage(ref_);  // only this test's tag
  }
  bool Present() { return engine_->InspectImage(ref_).ok(); }

  testutil::TempDir dir_;
  std::unique_ptr<CountingDialer> dialer_;
  std::unique_ptr<EngineClient> engine_;
  std::string helper_id_, repo_, ref_, archive_;
};

TEST_F(HelperDeliveryTest, ArchiveFileNamesTheImageItHolds) {
  ArchiveFileSource src(archive_);
  auto info = src.Inspect();
  ASSERT_OK(info);
  EXPECT_EQ(info->image_id, helper_id_);
  EXPECT_EQ(info->repo_tags, std::vector<std::string>{ref_});
}

TEST_F(HelperDeliveryTest, LoadsTheArchiveWhenTheEngineLacksTheImage) {
  ArchiveFileSource src(archive_);
  auto d = DeliverHelperImage(*engine_, ref_, src);
  ASSERT_OK(d);
  EXPECT_TRUE(d->loaded);
  EXPECT_EQ(d->image_id, helper_id_);
  EXPECT_EQ(d->bytes, std::filesystem::file_size(archive_));
  EXPECT_EQ(dialer_->Count("POST /v1.41/images/load?quiet=1 "), 1);
  auto now = engine_->InspectImage(ref_);
  ASSERT_OK(now);
  EXPECT_EQ(now->id, helper_id_);
}

TEST_F(HelperDeliveryTest, SendsNothingWhenTheEngineHasTheSameImageId) {
  ASSERT_OK(engine_->TagImage(kDefaultHelperImage, repo_, "t"));
  ArchiveFileSource src(archive_);
  int before = static_cast<int>(dialer_->requests().size());
  auto d = DeliverHelperImage(*engine_, ref_, src);
  ASSERT_OK(d);
  EXPECT_FALSE(d->loaded);
  EXPECT_EQ(d->bytes, 0u);
  auto reqs = dialer_->requests();
  ASSERT_EQ(reqs.size(), static_cast<size_t>(before + 1));  // one image inspect, nothing else
  EXPECT_EQ(reqs.back(), "GET /v1.41/images/" + ref_ + "/json HTTP/1.1");
}

TEST_F(HelperDeliveryTest, ReplacesAnotherImageUnderTheSameName) {
  ASSERT_OK(engine_->TagImage("alpine:latest", repo_, "t"));
  ArchiveFileSource src(archive_);
  auto d = DeliverHelperImage(*engine_, ref_, src);
  ASSERT_OK(d);
  EXPECT_TRUE(d->loaded);
  EXPECT_EQ(engine_->InspectImage(ref_)->id, helper_id_);
}

TEST_F(HelperDeliveryTest, ATruncatedArchiveFailsWithTheEnginesWordsAndLoadsNothing) {
  ArchiveFileSource file(archive_);
  const uint64_t half = std::filesystem::file_size(archive_) / 2;
  CutSource src(file, half, /*fail=*/false);
  auto d = DeliverHelperImage(*engine_, ref_, src);
  ASSERT_FALSE(d.ok());
  const std::string& m = d.status().message();
  EXPECT_EQ(m.rfind("helper image " + ref_ + ": loading cut " + archive_ + " failed after ", 0), 0u) << m;
  EXPECT_NE(m.find("docker image load: "), std::string::npos) << m;
  EXPECT_FALSE(Present());
}

TEST_F(HelperDeliveryTest, ASourceBreakingOffHalfWayFailsAndLoadsNothing) {
  ArchiveFileSource file(archive_);
  CutSource src(file, 1 << 20, /*fail=*/true);
  auto d = DeliverHelperImage(*engine_, ref_, src);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), util::Status::Code::kIOError);
  EXPECT_EQ(d.status().message(), "helper image " + ref_ + ": loading cut " + archive_ +
                                      " failed after 1.0 MiB: docker image load: the archive: source broke off after " +
                                      std::to_string(1 << 20) + " bytes");
  EXPECT_FALSE(Present());
  // The Engine is fine afterwards: the whole archive still loads.
  EXPECT_OK(DeliverHelperImage(*engine_, ref_, file));
  EXPECT_TRUE(Present());
}

TEST_F(HelperDeliveryTest, ATruncatedArchiveFileIsRefusedBeforeAnythingIsSent) {
  std::string cut = (dir_.path() / "cut.tar").string();
  std::filesystem::copy_file(archive_, cut);
  std::filesystem::resize_file(cut, std::filesystem::file_size(archive_) / 2);
  ArchiveFileSource src(cut);
  auto d = DeliverHelperImage(*engine_, ref_, src);
  EXPECT_EQ(d.status().code(), util::Status::Code::kInvalidArgument);
  EXPECT_EQ(d.status().message().rfind("helper image " + ref_ + ": " + cut + ": truncated tar archive", 0), 0u)
      << d.status().message();
  EXPECT_EQ(dialer_->Count("/images/load"), 0);
  EXPECT_FALSE(Present());
}

TEST_F(HelperDeliveryTest, AnArchiveWithoutTheTagIsRefused) {
  ArchiveFileSource src(archive_);
  auto d = DeliverHelperImage(*engine_, repo_ + ":other", src);
  EXPECT_EQ(d.status().code(), util::Status::Code::kFailedPrecondition);
  EXPECT_EQ(d.status().message(), "helper image " + repo_ + ":other: " + archive_ + " does not carry that tag (it has [" +
                                      ref_ + "])");
  EXPECT_EQ(dialer_->Count("/images/load"), 0);
}

TEST_F(HelperDeliveryTest, WithoutASourceTheEnginesOwnImageIsUsedElseNotFound) {
  ArchiveFileSource none((dir_.path() / "none.tar").string());
  auto missing = DeliverHelperImage(*engine_, ref_, none);
  EXPECT_EQ(missing.status().code(), util::Status::Code::kNotFound);
  EXPECT_EQ(missing.status().message().rfind("helper image " + ref_ + " is not on the Engine and this manager has no copy: ", 0),
            0u)
      << missing.status().message();
  ASSERT_OK(engine_->TagImage(kDefaultHelperImage, repo_, "t"));
  auto baked = DeliverHelperImage(*engine_, ref_, none);
  ASSERT_OK(baked);
  EXPECT_FALSE(baked->loaded);
  EXPECT_EQ(baked->image_id, helper_id_);
}

TEST_F(HelperDeliveryTest, EngineExportStreamsALoadableArchive) {
  EngineExportSource src(testing::LocalDaemon(), kDefaultHelperImage);
  auto info = src.Inspect();
  ASSERT_OK(info);
  EXPECT_EQ(info->image_id, helper_id_);
  std::string exported = (dir_.path() / "exported.tar").string();
  std::ofstream out(exported, std::ios::binary);
  uint64_t bytes = 0;
  size_t largest = 0;
  ASSERT_OK(src.Stream(
      [&](std::string_view p) {
        bytes += p.size();
        largest = std::max(largest, p.size());
        out.write(p.data(), p.size());
        return util::Status::Ok();
      },
      nullptr));
  out.close();
  EXPECT_GT(bytes, 1u << 20);
  EXPECT_LE(largest, 1u << 20);  // streamed in pieces, not held whole
  auto again = ArchiveFileSource(exported).Inspect();
  ASSERT_OK(again);
  EXPECT_EQ(again->image_id, helper_id_);
}

}  // namespace
}  // namespace executor::docker
