#include "reason/diagnet_weights.hpp"

#include "nn/module_weights.hpp"
#include "rirf/error.hpp"
#include "rirf/safetensors.hpp"

namespace rirf {
namespace {

// A file that names another model (a restorer's weights given as --reasoner) is refused by
// name, before its tensors are compared.
TensorFile diagnet_file(const std::string& path) {
  TensorFile file = load_safetensors(path);
  const auto model = file.metadata.find("model");
  check(model == file.metadata.end() || model->second == "rirf.DiagNet",
        "cannot load weights '" + path + "': not a DiagNet file (it holds " + (model == file.metadata.end() ? "" : model->second) + ")");
  return file;
}

}  // namespace

void load_diagnet_weights(DiagNet& net, const std::string& path) {
  nn::copy_weights(*net, diagnet_file(path), path, "DiagNet", true);
}

std::vector<std::string> init_diagnet_weights(DiagNet& net, const std::string& path) {
  TensorFile file = diagnet_file(path);
  // Older files read fewer evidence values (new ones are appended): their weights fill the
  // leading columns and the rest stay zero, so the older network's outputs are unchanged.
  for (const char* name : {"evidence.weight", "evidence_out.weight"}) {
    const auto old = file.tensors.find(name);
    const torch::Tensor current = net->named_parameters()[name];
    if (old == file.tensors.end() || old->second.dim() != 2 || old->second.size(0) != current.size(0) ||
        old->second.size(1) >= current.size(1))
      continue;
    torch::Tensor widened = torch::zeros_like(current);
    widened.slice(1, 0, old->second.size(1)).copy_(old->second);
    old->second = widened;
  }
  return nn::copy_weights(*net, file, path, "DiagNet", false);
}

void save_diagnet_weights(DiagNet& net, const std::string& path, const std::map<std::string, std::string>& metadata) {
  TensorFile file = nn::weights_file(*net, metadata);
  file.metadata["model"] = "rirf.DiagNet";
  save_safetensors(path, file);
}

}  // namespace rirf
