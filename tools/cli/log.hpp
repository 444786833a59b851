// The CLI's progress lines, one per call, on stdout. Through spdlog (thread-safe, flushed per
// line); a build from carried headers (RIRF_HEADER_DEPS, against PyTorch's libtorch, whose
// bundled fmt is newer than Debian's spdlog accepts) writes them with stdio.
#pragma once

#include <string>

#ifdef RIRF_PLAIN_LOG
#include <cstdio>
namespace rirf::cli {
inline void init_log() {}
inline void log_line(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}
}  // namespace rirf::cli
#else
#include <spdlog/spdlog.h>
namespace rirf::cli {
inline void init_log() { spdlog::set_pattern("%v"); }  // the message alone
inline void log_line(const std::string& line) { spdlog::info("{}", line); }
}  // namespace rirf::cli
#endif
