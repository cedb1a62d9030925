#include <gtest/gtest.h>
#include <signal.h>

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);  // a peer closing a socket is an error to handle, not a death
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
