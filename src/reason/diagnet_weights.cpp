#include "reason/diagnet_weights.hpp"

#include "nn/module_weights.hpp"
#include "rirf/safetensors.hpp"

namespace rirf {

void load_diagnet_weights(DiagNet& net, const std::string& path) {
  nn::copy_weights(*net, load_safetensors(path), path, "DiagNet", true);
}

std::vector<std::string> init_diagnet_weights(DiagNet& net, const std::string& path) {
  return nn::copy_weights(*net, load_safetensors(path), path, "DiagNet", false);
}

void save_diagnet_weights(DiagNet& net, const std::string& path, const std::map<std::string, std::string>& metadata) {
  TensorFile file = nn::weights_file(*net, metadata);
  file.metadata["model"] = "rirf.DiagNet";
  save_safetensors(path, file);
}

}  // namespace rirf
