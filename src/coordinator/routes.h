#pragma once
// Route groups of the coordinator's HTTP server, one file each (http_<group>.cc).
// A new endpoint group (e.g. artifacts) adds a Register function here and a call in
// Server::Start.
#include <httplib.h>

#include "coordinator/coordinator.h"

namespace coordinator::http {

// POST/DELETE /api/v4/runners, /runners/verify, /runners/managers, reset token.
void RegisterRunnerRoutes(httplib::Server& svr, Coordinator& c);
// POST /api/v4/jobs/request (with Workhorse's checks) and PUT /api/v4/jobs/:id.
void RegisterJobRoutes(httplib::Server& svr, Coordinator& c);
// PATCH /api/v4/jobs/:id/trace.
void RegisterTraceRoutes(httplib::Server& svr, Coordinator& c);
// git smart HTTP for mirrored local repositories: /<project>.git/...
void RegisterGitRoutes(httplib::Server& svr, Coordinator& c);
// Git LFS for the same repositories: /<project>.git/info/lfs/objects/batch and
// /<project>.git/gitlab-lfs/objects/<oid>.
void RegisterLfsRoutes(httplib::Server& svr, Coordinator& c);
// POST/GET /api/v4/jobs/:id/artifacts and GET /admin/jobs/:id/artifacts[/:index].
void RegisterArtifactsRoutes(httplib::Server& svr, Coordinator& c);
// /admin/* (see README.md).
void RegisterAdminRoutes(httplib::Server& svr, Coordinator& c);

}  // namespace coordinator::http
