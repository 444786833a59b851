#include "reason/diagnet_weights.hpp"

#include "rirf/error.hpp"
#include "rirf/safetensors.hpp"

namespace rirf {

namespace {

std::vector<std::string> copy_weights(DiagNet& net, const std::string& path, bool strict) {
  const TensorFile file = load_safetensors(path);
  torch::NoGradGuard no_grad;
  std::size_t used = 0;
  std::vector<std::string> missing;
  for (auto& item : net->named_parameters()) {
    const auto it = file.tensors.find(item.key());
    if (!strict && it == file.tensors.end()) {
      missing.push_back(item.key());
      continue;
    }
    check(it != file.tensors.end(), "cannot load weights '" + path + "': tensor '" + item.key() + "' is missing");
    check(it->second.sizes() == item.value().sizes(),
          "cannot load weights '" + path + "': tensor '" + item.key() + "' has shape " +
              c10::str(it->second.sizes()) + ", expected " + c10::str(item.value().sizes()));
    item.value().copy_(it->second.to(item.value().dtype()));
    ++used;
  }
  if (used != file.tensors.size()) {
    for (const auto& [name, tensor] : file.tensors)
      check(net->named_parameters().contains(name),
            "cannot load weights '" + path + "': unexpected tensor '" + name + "' (not a DiagNet file?)");
  }
  return missing;
}

}  // namespace

void load_diagnet_weights(DiagNet& net, const std::string& path) { copy_weights(net, path, true); }

std::vector<std::string> init_diagnet_weights(DiagNet& net, const std::string& path) {
  return copy_weights(net, path, false);
}

void save_diagnet_weights(DiagNet& net, const std::string& path, const std::map<std::string, std::string>& metadata) {
  TensorFile file;
  for (const auto& item : net->named_parameters()) file.tensors[item.key()] = item.value().detach().to(at::kCPU);
  file.metadata = metadata;
  file.metadata["format"] = "pt";
  file.metadata["model"] = "rirf.DiagNet";
  save_safetensors(path, file);
}

}  // namespace rirf
