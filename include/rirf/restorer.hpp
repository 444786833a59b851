// The restorer: turns a degraded image and its diagnosis into the restored image. One network
// for all degradations (RestorerNet, src/restore/restorer_model.hpp), conditioned on the
// diagnosis, or its blind twin; tiled so that memory is bounded for any image size.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rirf/diagnosis.hpp"

namespace rirf {

struct RestoreOptions {
  std::int64_t tile = 512;    // tile side in px (inference memory grows with its square)
  std::int64_t overlap = 64;  // px shared by neighbouring tiles (>= the network's reach: exact away from seams)
  double strength = 1.0;      // 0: the input unchanged, 1: the full restoration; in between: a blend
  // Types to undo; empty: every type the diagnosis finds. The others are left in the image (grain
  // or haze on purpose): the conditioned network is told they are absent and leaves them as it
  // leaves what the reasoner does not find. The blind twin cannot keep anything: non-empty is an
  // error there.
  std::vector<DegradationType> only;
  // A diagnosed blur is sharpened after the network by deconvolution with the diagnosed kernel
  // (the network alone leaves blur as it is); false: the network alone.
  bool deconvolve = true;
  // Self-ensemble: each tile is restored up to this many times, mirrored left-right (2) and also
  // flipped upside down (4), and the results are averaged back; the time grows with it. 1, 2 or
  // 4. Haze to undo caps it at 2: upside down, a scene's haze runs the wrong way (its depth grows
  // towards the top) and the network dehazes it worse (docs/notebook/restorer.md, "Self-ensemble").
  int ensemble = 1;

  void validate() const;  // throws Error naming the bad field and value
};

class Restorer {
 public:
  virtual ~Restorer() = default;
  // image: [1, 3, H, W] in [0, 1]. Returns [1, 3, H, W] in [0, 1]. progress(done, total) per tile.
  virtual at::Tensor restore(const at::Tensor& image, const Diagnosis& diagnosis, const RestoreOptions& options,
                             const std::function<void(int, int)>& progress = {}) = 0;
  virtual bool conditioned() const = 0;  // false: the blind twin (ignores the diagnosis)
  virtual double macs_per_pixel() const = 0;
  virtual std::string describe() const = 0;  // e.g. "RestorerNet width 16, levels 3, 0.57M parameters"
};

// options.validate(), and what `restorer` can do with them: `only` needs a conditioned restorer
// (the blind twin reads no diagnosis, so it cannot be told what to keep). Throws OptionError.
void check_restore_options(const Restorer& restorer, const RestoreOptions& options);

// Loads weights saved by `rirf train restorer` (the network's shape is in the file's metadata);
// throws Error naming the file and what is wrong with it.
std::unique_ptr<Restorer> load_restorer(const std::string& weights_path);

// Experts: conditioned RestorerNets each trained on one degradation type (`rirf train restorer
// --single 1 --type-weight ...`). The routed restorer undoes the types a diagnosis finds one at a
// time, in the reverse of the physical order they happen in (JPEG first, haze last), each by its
// type's expert conditioned on that type alone, or by the all-in-one `fallback` network for a
// type without an expert; a diagnosed blur is deconvolved right after the blur step.
struct ExpertWeights {
  std::string fallback;                            // the all-in-one RestorerNet (conditioned)
  std::map<DegradationType, std::string> experts;  // by type; a type missing here uses the fallback
};
std::unique_ptr<Restorer> load_routed_restorer(const ExpertWeights& weights);

}  // namespace rirf
