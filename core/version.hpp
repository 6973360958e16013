// The program's version and the git commit it was built from (generated at configure time, in
// one translation unit, so that a new commit does not rebuild everything).
#pragma once

namespace spikegym {

/// "0.1.0"
const char* version();
/// Short git commit hash, or "unknown" outside a git checkout.
const char* gitCommit();

}  // namespace spikegym
