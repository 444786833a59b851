// Internal: a module's parameters <-> a safetensors file, by parameter name (so a PyTorch user
// can load rirf weights too). Shared by every network rirf ships.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "rirf/safetensors.hpp"

namespace rirf::nn {

// Copies the file's tensors into the module's parameters. Strict: every parameter must be in the
// file with its shape, and nothing else. Not strict: parameters the file lacks keep their values
// (their names are returned); everything in the file must still fit. `model` names the network
// in errors ("not a DiagNet file?").
std::vector<std::string> copy_weights(torch::nn::Module& module, const TensorFile& file, const std::string& path,
                                      const std::string& model, bool strict);
// The module's parameters on the CPU, with metadata (plus "format": "pt").
TensorFile weights_file(const torch::nn::Module& module, const std::map<std::string, std::string>& metadata);

}  // namespace rirf::nn
