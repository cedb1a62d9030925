// The emulator's XML against the real responses in tests/fixtures/aws: same envelopes,
// and every element the emulator writes for an instance exists in a real one.
#include <set>

#include "ec2emulator/test_support.h"
#include "ec2emulator/xml.h"

namespace ec2emulator::testing {
namespace {

void CollectNames(pugi::xml_node n, const std::string& prefix, std::set<std::string>* out) {
  for (pugi::xml_node c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    const std::string path = prefix + "/" + c.name();
    out->insert(path);
    CollectNames(c, path, out);
  }
}

pugi::xml_node FirstInstance(const pugi::xml_document& doc) {
  pugi::xml_node root = doc.first_child();
  pugi::xml_node set = root.child("instancesSet");
  if (!set) set = root.first_element_by_path("reservationSet/item/instancesSet");
  return set.child("item");
}

TEST(WireFormatTest, InstanceElementsExistInRealResponses) {
  std::set<std::string> real;
  for (const char* f :
       {"aws/ec2/DescribeInstances-docs-example.xml", "aws/ec2/RunInstances-botocore.xml",
        "aws/ec2/DescribeInstances-botocore.xml", "aws/ec2/DescribeInstances-libcloud-two-reservations.xml"}) {
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_file(testutil::FixturePath(f).c_str())) << f;
    CollectNames(FirstInstance(doc), "", &real);
  }
  // Newer members the fixtures predate (service model names).
  for (const char* extra :
       {"/instanceLifecycle", "/spotInstanceRequestId", "/metadataOptions", "/metadataOptions/state",
        "/metadataOptions/httpTokens", "/metadataOptions/httpPutResponseHopLimit", "/metadataOptions/httpEndpoint",
        "/metadataOptions/instanceMetadataTags"}) {
    real.insert(extra);
  }
  Harness h;
  Answer run = h.Ec2("RunInstances", {{"ImageId", "ami-0123456789abcdef0"},
                                      {"MinCount", "1"},
                                      {"MaxCount", "1"},
                                      {"KeyName", "k"},
                                      {"InstanceMarketOptions.MarketType", "spot"},
                                      {"TagSpecification.1.ResourceType", "instance"},
                                      {"TagSpecification.1.Tag.1.Key", "a"},
                                      {"TagSpecification.1.Tag.1.Value", "b"}});
  std::set<std::string> ours;
  CollectNames(FirstInstance(run.doc), "", &ours);
  ASSERT_GT(ours.size(), 30u);
  for (const auto& n : ours) EXPECT_TRUE(real.count(n)) << n << " is not an element of a real instance";
  // And the order of the first members is the real one.
  std::vector<std::string> first;
  for (pugi::xml_node c : FirstInstance(run.doc).children()) {
    if (first.size() < 4) first.push_back(c.name());
  }
  EXPECT_EQ(first, (std::vector<std::string>{"instanceId", "imageId", "instanceState", "privateDnsName"}));
}

TEST(WireFormatTest, ErrorEnvelopesMatchTheFixtures) {
  Harness h;
  pugi::xml_document real;
  ASSERT_TRUE(
      real.load_file(testutil::FixturePath("aws/ec2/error-InvalidInstanceID.NotFound-docs-example.xml").c_str()));
  Answer ours = h.Ec2("DescribeInstances", {{"InstanceId.1", "i-1a2b3c4d"}});
  std::set<std::string> a, b;
  CollectNames(real, "", &a);
  CollectNames(ours.doc, "", &b);
  EXPECT_EQ(a, b);
  EXPECT_EQ(ours.Text("Errors/Error/Message"),
            real.first_element_by_path("Response/Errors/Error/Message").text().get());
  EXPECT_TRUE(ours.root().attribute("xmlns").empty());  // the EC2 error envelope has no namespace

  pugi::xml_document asg;
  ASSERT_TRUE(asg.load_file(testutil::FixturePath("aws/autoscaling/error-ValidationError-botocore.xml").c_str()));
  Answer asg_ours = h.Asg("SetDesiredCapacity", {{"AutoScalingGroupName", "x"}, {"DesiredCapacity", "1"}});
  std::set<std::string> c, d;
  CollectNames(asg, "", &c);
  CollectNames(asg_ours.doc, "", &d);
  EXPECT_EQ(c, d);
  EXPECT_EQ(std::string(asg_ours.root().attribute("xmlns").value()), asg.first_child().attribute("xmlns").value());
}

TEST(WireFormatTest, TerminateAndCreateTagsShapes) {
  Harness h;
  const std::string id =
      h.Ec2("RunInstances", {{"ImageId", "ami-0123456789abcdef0"}, {"MinCount", "1"}, {"MaxCount", "1"}})
          .Text("instancesSet/item/instanceId");
  h.Advance(std::chrono::seconds(2));
  pugi::xml_document real_t, real_c;
  ASSERT_TRUE(real_t.load_file(testutil::FixturePath("aws/ec2/TerminateInstances-docs-example.xml").c_str()));
  ASSERT_TRUE(real_c.load_file(testutil::FixturePath("aws/ec2/CreateTags-docs-example.xml").c_str()));
  Answer c = h.Ec2("CreateTags", {{"ResourceId.1", id}, {"Tag.1.Key", "k"}, {"Tag.1.Value", "v"}});
  Answer t = h.Ec2("TerminateInstances", {{"InstanceId.1", id}});
  std::set<std::string> a, b;
  CollectNames(real_t, "", &a);
  CollectNames(t.doc, "", &b);
  EXPECT_EQ(a, b);
  a.clear();
  b.clear();
  CollectNames(real_c, "", &a);
  CollectNames(c.doc, "", &b);
  EXPECT_EQ(a, b);
  EXPECT_EQ(std::string(t.root().attribute("xmlns").value()), real_t.first_child().attribute("xmlns").value());
}

}  // namespace
}  // namespace ec2emulator::testing
