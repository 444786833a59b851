// rirf train reasoner --data DIR [--data DIR] --out DIR [--val DIR] [--exclude NAME] [--init FILE]
//                     [--steps --batch --crop --resume]
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <memory>

#include "commands.hpp"
#include "rirf/train.hpp"

namespace rirf::cli {

void register_train(CLI::App& app) {
  CLI::App* train = app.add_subcommand("train", "Train a network (see its subcommands)");
  train->require_subcommand(1);
  auto o = std::make_shared<ReasonerTrainOptions>();
  CLI::App* cmd = train->add_subcommand("reasoner", "Train DiagNet, the reasoner, on synthetic degradations of clean photos");
  cmd->add_option("--data", o->data_dirs, "folder(s) of clean photos, searched recursively")->required();
  cmd->add_option("--out", o->out_dir, "run folder: config, checkpoints, weights")->required();
  cmd->add_option("--val", o->val_dir, "folder of clean validation photos (never training ones)");
  cmd->add_option("--exclude", o->exclude, "leave out training files with this name (no folder); repeatable");
  cmd->add_option("--init", o->init, "start from these weights (a DiagNet safetensors file; parameters it lacks start fresh)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--steps", o->steps, "optimiser steps (default 6000)")->check(CLI::Range(1, 10'000'000));
  cmd->add_option("--batch", o->batch, "crops per step (default 24)")->check(CLI::Range(1, 4096));
  cmd->add_option("--crop", o->crop, "crop size in px, a multiple of 8 (default 128)")->check(CLI::Range(32, 1024));
  cmd->add_option("--lr", o->lr, "peak learning rate (default 2e-3)")->check(CLI::Range(1e-7, 1.0));
  cmd->add_option("--seed", o->seed, "seed for weights and data (default 1)");
  cmd->add_option("--val-every", o->val_every, "validate every N steps (default 500)")->check(CLI::Range(1, 1'000'000));
  cmd->add_option("--checkpoint-every", o->checkpoint_every, "checkpoint every N steps (default 250)")
      ->check(CLI::Range(1, 1'000'000));
  cmd->add_flag("--resume", o->resume, "continue from the checkpoint in --out");
  cmd->callback([o] { train_reasoner(*o, [](const std::string& line) { spdlog::info("{}", line); }); });
}

}  // namespace rirf::cli
