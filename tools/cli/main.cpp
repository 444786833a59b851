// rirf: diagnose and restore images damaged by unknown, combined degradations.
#include <ATen/Parallel.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.hpp"
#include "log.hpp"
#include "rirf/error.hpp"
#include "rirf/image_io.hpp"
#include "rirf/train.hpp"

void rirf::cli::add_max_pixels_option(CLI::App& cmd, std::int64_t& max_pixels) {
  max_pixels = rirf::LoadOptions{}.max_pixels;
  cmd.add_option("--max-pixels", max_pixels, "refuse larger inputs (default 64000000)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40));
}

int main(int argc, char** argv) {
  CLI::App app{"rirf: diagnose and restore images damaged by noise, blur, rain, haze, low light and JPEG"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rirf 0.1.0");
  int threads = 0;
  const int cores = rirf::usable_cores();
  // More threads than cores only makes every op wait for the others: on 2 cores, 1024 threads
  // took a diagnosis from 1.5 s to 90 s.
  app.add_option("--threads", threads,
                 "worker threads, 1 to the " + std::to_string(cores) + " usable cores (default 0: all of them)")
      ->check(CLI::Range(0, cores));
  // libtorch defaults to one thread; use every core unless told otherwise. Runs after parsing,
  // before any subcommand's callback.
  app.parse_complete_callback([&threads, cores] { at::set_num_threads(threads > 0 ? threads : cores); });
  rirf::cli::register_degrade(app);
  rirf::cli::register_synth(app);
  rirf::cli::register_eval(app);
  rirf::cli::register_train(app);
  rirf::cli::register_diagnose(app);
  rirf::cli::register_restore(app);
  rirf::cli::init_log();
  try {
    app.parse(argc, argv);  // subcommand callbacks run inside parse
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "rirf: error: " << e.what() << " (see --help)\n";
    return 2;  // a usage error, whatever CLI11's own code for it (105 for a value out of range)
  } catch (const rirf::OptionError& e) {  // a field no command renamed: its flag is the field's name
    std::cerr << "rirf: error: " << rirf::cli::flag_for_field(e.field()) << ": " << e.problem() << "\n";
    return 1;
  } catch (const rirf::Error& e) {
    std::cerr << "rirf: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "rirf: internal error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
