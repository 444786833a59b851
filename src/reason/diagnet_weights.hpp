// Internal: DiagNet <-> safetensors, and its outputs -> Diagnosis (shared by the reasoner and the
// trainer's validation).
#pragma once

#include <string>
#include <vector>

#include "reason/diagnet_model.hpp"
#include "rirf/diagnet.hpp"
#include "rirf/diagnosis.hpp"

namespace rirf {

// Strict: every parameter must be in the file with its shape, and nothing else.
void load_diagnet_weights(DiagNet& net, const std::string& path);
// For starting a training run from older weights: parameters the file lacks keep their
// initialisation (their names are returned); everything in the file must still fit, except that
// an evidence weight for fewer evidence values is widened with zero columns.
std::vector<std::string> init_diagnet_weights(DiagNet& net, const std::string& path);
void save_diagnet_weights(DiagNet& net, const std::string& path, const std::map<std::string, std::string>& metadata);
// out: [kDiagNetOutputs] for one image. Scene, size and reasoning are left to the caller.
Diagnosis decode_outputs(const at::Tensor& out);
// DiagNet's outputs for a whole image as the reasoner computes them, in two steps (the tiles are
// also measured, measured_noise.hpp): the image's diagnosis tiles (diagnosis_tiles) stacked,
// [T, 3, h, w] channels-last, from image [1, 3, H, W] in [0, 1] (the trainer reads whole images
// with tiles of its crop size); then the network's outputs (logits) on them, averaged:
// [kDiagNetOutputs]. No gradient; the caller sets eval mode.
at::Tensor diagnosis_crops(const at::Tensor& image, std::int64_t tile = kDiagnosisTile);
at::Tensor tile_outputs(DiagNetImpl& net, const at::Tensor& tiles);
// The whole image shrunk (area average) to at most `side` px a side, channels-last; undefined
// when the image is at most three diagnosis tiles a side (768 px), which the tiles cover.
at::Tensor diagnosis_overview(const at::Tensor& image, std::int64_t side = 384);
// Then, for an image that has an overview, the haze outputs become the average of the tiles'
// and the overview's.
void add_overview_haze(at::Tensor& outputs, DiagNetImpl& net, const at::Tensor& image);

}  // namespace rirf
