#include "restore/restorer_weights.hpp"

#include "nn/module_weights.hpp"
#include "rirf/error.hpp"
#include "rirf/safetensors.hpp"

namespace rirf {

RestorerNet load_restorer_net(const std::string& path) {
  const TensorFile file = load_safetensors(path);
  const auto model = file.metadata.find("model");
  check(model != file.metadata.end() && model->second == "rirf.RestorerNet",
        "cannot load weights '" + path + "': not a RestorerNet file (metadata 'model' is not rirf.RestorerNet)");
  const auto config = file.metadata.find("config");
  check(config != file.metadata.end(), "cannot load weights '" + path + "': metadata has no 'config'");
  const auto json = nlohmann::json::parse(config->second, nullptr, false);
  check(!json.is_discarded(), "cannot load weights '" + path + "': metadata 'config' is not JSON");
  RestorerNetOptions options;
  try {
    options = RestorerNetOptions::from_json(json);
  } catch (const Error& e) {
    throw Error("cannot load weights '" + path + "': " + e.what());
  }
  RestorerNet net(options);
  nn::copy_weights(*net, file, path, "RestorerNet", true);
  return net;
}

void save_restorer_net(RestorerNet& net, const std::string& path, std::map<std::string, std::string> metadata) {
  metadata["model"] = "rirf.RestorerNet";
  metadata["config"] = net->options().to_json().dump();
  save_safetensors(path, nn::weights_file(*net, metadata));
}

}  // namespace rirf
