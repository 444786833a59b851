// Each subcommand registers its flags on the app and runs from the callback CLI11 calls.
// Nothing here does work itself: the library does; these files only bind flags to options.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace rirf::cli {

// --max-pixels, shared by every command that reads images.
void add_max_pixels_option(CLI::App& cmd, std::int64_t& max_pixels);

// A shipped model file: $RIRF_MODELS_DIR, then models/ beside the binary's build or install
// tree. Throws Error saying where it looked and which flag to give instead.
std::string shipped_model(const std::string& file_name, const std::string& hint);
// Files as given, folders replaced by the images directly inside them (sorted).
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs);

void register_restore(CLI::App& app);
void register_degrade(CLI::App& app);
void register_synth(CLI::App& app);
void register_eval(CLI::App& app);
void register_train(CLI::App& app);
void register_diagnose(CLI::App& app);

}  // namespace rirf::cli
