#pragma once
// `spotrunner aws ...`: developer and operator tools for the AWS provider.
//   aws sigv4-test-suite DIR   run SigV4 vectors (either official layout), one line each,
//                              then "N passed, M failed"; exit 1 on any failure
//   aws iam-policy             print the least-privilege IAM policy for a runner's settings
#include <CLI/CLI.hpp>

namespace cli {

void AddAwsCommand(CLI::App& app, int& exit_code);

}  // namespace cli
