#include <cstdio>

#include "util/version.h"

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  std::printf("spotrunner %s\n", util::kVersion);
  return 0;
}
