#include "train/restorer_widen.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <sstream>
#include <string>
#include <vector>

#include "rirf/error.hpp"

namespace rirf::train {
namespace {

// Where each channel of the wide tensor comes from, for the three channel layouts of the network.
// A feature map of c channels: copy k of channel i sits at k * c + i.
at::Tensor feature_map(std::int64_t c, std::int64_t copies) {
  return torch::arange(c * copies, torch::kLong).remainder(c);
}
// Two halves of c channels each (a gate's inputs; FiLM's scales then shifts): each half widened alone.
at::Tensor halves_map(std::int64_t c, std::int64_t copies) {
  const at::Tensor half = feature_map(c, copies);
  return torch::cat({half, half + c});
}
// The 4c channels before a pixel shuffle to c: output channel i reads inputs 4i .. 4i + 3.
at::Tensor shuffle_map(std::int64_t c, std::int64_t copies) {
  const at::Tensor j = torch::arange(4 * c * copies, torch::kLong);
  return j.div(4, "floor").remainder(c) * 4 + j.remainder(4);
}

std::vector<std::string> split(const std::string& name) {
  std::vector<std::string> parts;
  std::stringstream stream(name);
  for (std::string part; std::getline(stream, part, '.');) parts.push_back(part);
  return parts;
}

// How one parameter widens: rows (dim `out_dim`) gathered by `out`; the input channels (dim 1)
// gathered by `in` and their weights shared between copies.
struct Widening {
  at::Tensor out, in;
  int out_dim = 0;
};

class Widener {
 public:
  Widener(const RestorerNetOptions& from, std::int64_t copies, std::uint64_t seed)
      : from_(from), copies_(copies), gen_(at::detail::createCPUGenerator(seed)) {}

  at::Tensor widen(const std::string& name, const at::Tensor& value) {
    const Widening how = plan(name);
    at::Tensor wide = how.out.defined() ? value.index_select(how.out_dim, how.out) : value;
    if (!how.in.defined()) return wide;
    wide = wide.index_select(1, how.in);
    // Random shares of each weight between its copies, summing to one: (1 + u_k - mean u) / copies.
    std::vector<std::int64_t> grouped = wide.sizes().vec();
    grouped[1] = value.size(1);
    grouped.insert(grouped.begin() + 1, copies_);
    at::Tensor u = at::rand(grouped, gen_, wide.options()) - 0.5;
    u = u - u.mean(1, true);
    return wide * ((1 + u) / static_cast<double>(copies_)).reshape(wide.sizes());
  }

 private:
  std::int64_t channels(int level) const { return std::int64_t{from_.width} << level; }

  Widening plan(const std::string& name) const {
    const auto parts = split(name);
    const std::string& top = parts.front();
    const std::string& leaf = parts.back();
    const int levels = from_.levels();
    if (top == "embed") return {};
    if (top == "intro") return {feature_map(channels(0), copies_), {}};
    if (top == "ending") return leaf == "weight" ? Widening{{}, feature_map(channels(0), copies_)} : Widening{};
    if (top == "downs") {
      const int k = std::stoi(parts.at(1));
      at::Tensor out = feature_map(channels(k + 1), copies_);
      return leaf == "weight" ? Widening{out, feature_map(channels(k), copies_)} : Widening{out, {}};
    }
    if (top == "ups") {  // no bias
      const int k = levels - 1 - std::stoi(parts.at(1));
      return {shuffle_map(channels(k), copies_), feature_map(channels(k + 1), copies_)};
    }
    int level = -1;
    if (top == "encoders") level = std::stoi(parts.at(1));
    if (top == "middle") level = levels;
    if (top == "decoders") level = levels - 1 - std::stoi(parts.at(1));
    check(level >= 0, "widen: unknown restorer parameter '" + name + "'");
    const std::int64_t c = channels(level);
    const std::string& layer = parts.at(parts.size() - 2);
    if (leaf == "norm1_weight" || leaf == "norm1_bias" || leaf == "norm2_weight" || leaf == "norm2_bias")
      return {feature_map(c, copies_), {}};
    if (leaf == "beta" || leaf == "gamma") return {feature_map(c, copies_), {}, 1};  // [1, c, 1, 1]
    const bool weight = leaf == "weight";
    if (layer == "expand" || layer == "ffn_expand")
      return {halves_map(c, copies_), weight ? feature_map(c, copies_) : at::Tensor()};
    if (layer == "depthwise" || layer == "film") return {halves_map(c, copies_), {}};  // film: the embedding is not widened
    if (layer == "project" || layer == "ffn_project")
      return {feature_map(c, copies_), weight ? feature_map(c, copies_) : at::Tensor()};
    throw Error("widen: unknown restorer parameter '" + name + "'");
  }

  RestorerNetOptions from_;
  std::int64_t copies_;
  at::Generator gen_;
};

}  // namespace

RestorerNet widen_restorer(RestorerNet& from, int width, std::uint64_t seed) {
  const RestorerNetOptions& narrow = from->options();
  check(width >= narrow.width && width % narrow.width == 0,
        "widen: width " + std::to_string(width) + " is not a multiple of " + std::to_string(narrow.width));
  RestorerNetOptions options = narrow;
  options.width = width;
  RestorerNet wide(options);
  Widener widener(narrow, width / narrow.width, seed);
  torch::NoGradGuard no_grad;
  const auto source = from->named_parameters();
  for (auto& item : wide->named_parameters()) {
    const at::Tensor value = widener.widen(item.key(), source[item.key()].to(torch::kCPU));
    check(value.sizes() == item.value().sizes(), "widen: '" + item.key() + "' widened to the wrong shape");
    item.value().copy_(value);
  }
  return wide;
}

}  // namespace rirf::train
