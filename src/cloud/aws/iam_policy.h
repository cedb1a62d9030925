#pragma once
// The least-privilege IAM policy the manager needs for its AWS settings, printed by
// `spotrunner aws iam-policy`. Launch and tag rights are limited to requests carrying the
// fleet's ownership tag, terminate and tag changes to instances that already carry it;
// Describe* calls cannot be limited by resource in IAM and get "*".
#include <string>

#include "cloud/aws/aws_settings.h"

namespace cloud::aws {

// The policy document as indented JSON. `fleet_tag_value` is the value of the ownership
// tag (AwsSettings::fleet_name or the runner's default).
std::string IamPolicyJson(const AwsSettings& settings, const std::string& fleet_tag_value);

}  // namespace cloud::aws
