#include "reason/diagnet_weights.hpp"

#include "rirf/error.hpp"
#include "rirf/safetensors.hpp"

namespace rirf {

void load_diagnet_weights(DiagNet& net, const std::string& path) {
  const TensorFile file = load_safetensors(path);
  torch::NoGradGuard no_grad;
  std::size_t used = 0;
  for (auto& item : net->named_parameters()) {
    const auto it = file.tensors.find(item.key());
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
