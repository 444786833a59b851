// The routed restorer (include/rirf/restorer.hpp, load_routed_restorer): one step per type to
// undo, in the reverse of the physical order, each by its expert conditioned on its type alone.
// Undoing in reverse is how the engine's composites come apart: JPEG was made last, so its
// blocks sit on top of the noise, which sits on top of the blur, and so on.
#include <torch/torch.h>

#include <algorithm>
#include <map>

#include "restore/condition.hpp"
#include "restore/deconvolution.hpp"
#include "restore/net_run.hpp"
#include "restore/restorer_weights.hpp"
#include "rirf/error.hpp"
#include "rirf/restorer.hpp"

namespace rirf {
namespace {

// The request with every type but `type` told absent: the condition of that type's step.
Diagnosis step_request(const Diagnosis& request, DegradationType type) {
  KeepMask others{};
  for (auto t : all_degradation_types()) others[static_cast<int>(t)] = t != type;
  return without_kept_types(request, others);
}

class RoutedRestorer : public Restorer {
 public:
  RoutedRestorer(RestorerNet fallback, std::map<DegradationType, RestorerNet> experts)
      : fallback_(std::move(fallback)), experts_(std::move(experts)) {
    fallback_->eval();
    for (auto& [type, net] : experts_) net->eval();
  }

  at::Tensor restore(const at::Tensor& image, const Diagnosis& diagnosis, const RestoreOptions& options,
                     const std::function<void(int, int)>& progress) override {
    const auto [x, request] = restore_input(*this, image, diagnosis, options);
    torch::InferenceMode guard;
    std::vector<DegradationType> steps;
    for (auto type : all_degradation_types())
      if (request.finding(type).present) steps.push_back(type);
    if (steps.empty()) return x.clone();
    std::sort(steps.begin(), steps.end(), [](auto a, auto b) { return physical_order(a) > physical_order(b); });

    at::Tensor out = x;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const DegradationType type = steps[i];
      const Diagnosis step = step_request(request, type);
      const auto step_progress = [&](int done, int total) {
        if (progress) progress(static_cast<int>(i) * total + done, static_cast<int>(steps.size()) * total);
      };
      out = run_restorer_net(net_for(type), out, condition_tensor(step), options,
                             ensemble_views(options, type == DegradationType::haze), step_progress);
      if (type == DegradationType::blur && options.deconvolve)
        if (const auto kernel = deconvolution_kernel(request.finding(DegradationType::blur)))
          out = deconvolve(out, *kernel, kDeconvolutionLambda, options.tile);
      out = out.clamp(0, 1);
    }
    if (options.strength != 1.0) out = (out - x).mul_(options.strength).add_(x);
    return out.clamp_(0, 1);
  }

  bool conditioned() const override { return true; }
  // A one-type image runs one network; the most expensive one bounds it.
  double macs_per_pixel() const override {
    double most = fallback_->macs_per_pixel();
    for (const auto& [type, net] : experts_) most = std::max(most, net->macs_per_pixel());
    return most;
  }
  std::string describe() const override {
    std::string text = "routed experts:";
    for (const auto& [type, net] : experts_) text += std::string(" ") + type_name(type) + " (" + describe_net(net) + ");";
    return text + " other types: " + describe_net(fallback_);
  }

 private:
  RestorerNet& net_for(DegradationType type) {
    const auto found = experts_.find(type);
    return found == experts_.end() ? fallback_ : found->second;
  }

  RestorerNet fallback_;
  std::map<DegradationType, RestorerNet> experts_;
};

RestorerNet load_conditioned(const std::string& path, const std::string& role) {
  RestorerNet net = load_restorer_net(path);
  check(net->options().conditioned,
        role + " '" + path + "' is a blind twin; routing needs networks that read the diagnosis");
  return net;
}

}  // namespace

std::unique_ptr<Restorer> load_routed_restorer(const ExpertWeights& weights) {
  RestorerNet fallback = load_conditioned(weights.fallback, "fallback");
  std::map<DegradationType, RestorerNet> experts;
  for (const auto& [type, path] : weights.experts)
    experts.emplace(type, load_conditioned(path, std::string(type_name(type)) + " expert"));
  return std::make_unique<RoutedRestorer>(std::move(fallback), std::move(experts));
}

}  // namespace rirf
