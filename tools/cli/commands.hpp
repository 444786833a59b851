// Each subcommand registers its flags on the app and runs from the callback CLI11 calls.
// Nothing here does work itself: the library does; these files only bind flags to options.
#pragma once

#include <cstdint>

namespace CLI {
class App;
}

namespace rirf::cli {

// --max-pixels, shared by every command that reads images.
void add_max_pixels_option(CLI::App& cmd, std::int64_t& max_pixels);

void register_degrade(CLI::App& app);
void register_synth(CLI::App& app);
void register_eval(CLI::App& app);
void register_train(CLI::App& app);
void register_diagnose(CLI::App& app);

}  // namespace rirf::cli
