#pragma once
// manager::PingEngine: whether a fleet instance's Docker Engine answers GET /_ping through
// the instance's connection (a unix-socket stream over SSH), within a bound. The Engine
// client itself waits as long as the Engine takes; a socket that accepts and never answers
// (an Engine hung while starting) must not hold the fleet's prober, which also sends the
// dead-man heartbeats, so the stream is closed when `timeout` passes or `stop` fires.
#include <memory>
#include <string>

#include "connect/connection.h"
#include "util/cancel.h"
#include "util/clock.h"
#include "util/status.h"

namespace manager {

// OK when the Engine at `socket` on the instance answered 200. kDeadlineExceeded after
// `timeout` without an answer, kCancelled when `stop` fired, else the dial's or the
// Engine's error (e.g. kUnavailable naming the socket when nothing listens there).
util::Status PingEngine(const std::shared_ptr<connect::Connection>& conn, const std::string& socket,
                        util::Duration timeout, const util::CancelToken& stop);

}  // namespace manager
