// Internal: RestorerNet <-> safetensors. The network's options travel in the metadata
// ("config", JSON), so a file alone rebuilds its network.
#pragma once

#include <map>
#include <string>

#include "restore/restorer_model.hpp"

namespace rirf {

RestorerNet load_restorer_net(const std::string& path);
void save_restorer_net(RestorerNet& net, const std::string& path, std::map<std::string, std::string> metadata);

}  // namespace rirf
