// Each subcommand registers its flags on the app and runs from the callback CLI11 calls.
// Nothing here does work itself: the library does; these files only bind flags to options.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace rirf::cli {

// --max-pixels, shared by every command that reads images.
void add_max_pixels_option(CLI::App& cmd, std::int64_t& max_pixels);

// Runs `work`; an OptionError from the library (which names the options field, "tile") comes
// out as an Error naming the flag ("--tile"): `flags` maps fields whose flag is spelt otherwise,
// the rest become "--" + the field with '-' for '_'.
void with_flag_names(const std::map<std::string, std::string>& flags, const std::function<void()>& work);
// The flag for an options field, as with_flag_names spells it.
std::string flag_for_field(const std::string& field, const std::map<std::string, std::string>& flags = {});
// Files as given, folders replaced by the images directly inside them (sorted); a file named
// twice is kept once.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs);

// An output path and the flag that named it, for the checks below.
struct OutputPath {
  std::string flag;  // "-o", "--sheet", ... as the user would write it
  std::string path;
  bool folder_made_here = false;  // the command creates the path's folder itself
};
// Whether two paths name the same file or folder (relative, "..", symlinks resolved).
bool same_path(const std::string& a, const std::string& b);
// Refuses, before any work, outputs that would overwrite an input or one another (the same
// file under any spelling: relative, absolute, through a symlink), and outputs whose folder
// does not exist. Folders that the command creates itself are not outputs here.
void check_outputs(const std::vector<std::string>& inputs, const std::vector<OutputPath>& outputs);

// Runs `work(i)` for each of `count` inputs. With one input an Error stops the command as
// usual. With several, an input that fails (anything thrown while it is read, processed or
// written) is reported on one line on stderr and the others go on, as cp or gzip do; returns
// how many failed, for the caller to fail the command at the end.
std::size_t run_batch(const std::vector<std::string>& files, const std::function<void(std::size_t)>& work);
// Throws when `failed` is not 0: "N of M images failed (each is named above)".
void finish_batch(std::size_t failed, std::size_t total, const std::string& what_was_written);

void register_restore(CLI::App& app);
void register_degrade(CLI::App& app);
void register_synth(CLI::App& app);
void register_eval(CLI::App& app);
void register_train(CLI::App& app);
void register_diagnose(CLI::App& app);

}  // namespace rirf::cli
