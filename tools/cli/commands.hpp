// Each subcommand registers its flags on the app and runs from the callback CLI11 calls.
// Nothing here does work itself: the library does; these files only bind flags to options.
#pragma once

namespace CLI {
class App;
}

namespace rirf::cli {

void register_degrade(CLI::App& app);
void register_synth(CLI::App& app);
void register_eval(CLI::App& app);

}  // namespace rirf::cli
