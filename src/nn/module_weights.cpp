#include "nn/module_weights.hpp"

#include "rirf/error.hpp"

namespace rirf::nn {

std::vector<std::string> copy_weights(torch::nn::Module& module, const TensorFile& file, const std::string& path,
                                      const std::string& model, bool strict) {
  torch::NoGradGuard no_grad;
  std::size_t used = 0;
  std::vector<std::string> missing;
  const auto parameters = module.named_parameters();
  for (const auto& item : parameters) {
    const auto it = file.tensors.find(item.key());
    if (!strict && it == file.tensors.end()) {
      missing.push_back(item.key());
      continue;
    }
    check(it != file.tensors.end(), "cannot load weights '" + path + "': tensor '" + item.key() + "' is missing");
    check(it->second.sizes() == item.value().sizes(),
          "cannot load weights '" + path + "': tensor '" + item.key() + "' has shape " +
              c10::str(it->second.sizes()) + ", expected " + c10::str(item.value().sizes()));
    // A NaN or an integer tensor would load and make every output garbage, with no error.
    check(at::isFloatingType(it->second.scalar_type()),
          "cannot load weights '" + path + "': tensor '" + item.key() + "' holds integers, expected floating point");
    check(at::isfinite(it->second).all().item<bool>(),
          "cannot load weights '" + path + "': tensor '" + item.key() + "' holds NaN or infinite values");
    item.value().copy_(it->second.to(item.value().dtype()));
    ++used;
  }
  if (used != file.tensors.size()) {
    for (const auto& [name, tensor] : file.tensors)
      check(parameters.contains(name),
            "cannot load weights '" + path + "': unexpected tensor '" + name + "' (not a " + model + " file?)");
  }
  return missing;
}

TensorFile weights_file(const torch::nn::Module& module, const std::map<std::string, std::string>& metadata) {
  TensorFile file;
  for (const auto& item : module.named_parameters()) file.tensors[item.key()] = item.value().detach().to(at::kCPU).clone();
  file.metadata = metadata;
  file.metadata["format"] = "pt";
  return file;
}

}  // namespace rirf::nn
