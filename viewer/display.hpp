// Whether an X display can be opened, asked before SFML is touched: SFML prints one line and
// aborts the process when it cannot open one (exit 134), which is the first thing a user on an
// SSH or cluster node would meet.
#pragma once

namespace spikegym::viewer {

/// Throws UserError (exit 2, one line) naming DISPLAY and what to run instead when no X display
/// can be opened.
void requireDisplay();

}  // namespace spikegym::viewer
