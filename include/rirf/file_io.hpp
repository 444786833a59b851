// Whole-file reads and atomic writes. A write goes to a temporary file in the target's folder
// and is renamed over the target only when complete, so a failure never leaves a partial file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rirf {

std::vector<std::uint8_t> read_file_bytes(const std::string& path);
std::string read_file_text(const std::string& path);

void write_file_atomic(const std::string& path, const void* data, std::size_t size);
void write_file_atomic(const std::string& path, const std::string& text);

// Creates `dir` and its parents if missing; throws if it exists and is not a folder.
void ensure_directory(const std::string& dir);

}  // namespace rirf
