// Writes a contact sheet: one row per degradation type, columns clean / mild / moderate / severe,
// so a person can check that rain looks like rain and haze like haze.
//   contact_sheet INPUT OUTPUT.png [--size 256] [--seed 7]
#include <ATen/ATen.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "rirf/degrade.hpp"
#include "rirf/error.hpp"
#include "rirf/image_io.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: contact_sheet INPUT OUTPUT.png [SIZE] [SEED]\n";
    return 2;
  }
  try {
    const std::int64_t size = argc > 3 ? std::atoll(argv[3]) : 256;
    const std::uint64_t seed = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 7;
    rirf::Image input = rirf::load_image(argv[1]);
    // Centre square, resized to SIZE: a view of the whole scene at a glance.
    at::Tensor x = input.rgb;
    const auto side = std::min(x.size(2), x.size(3));
    x = x.slice(2, (x.size(2) - side) / 2, (x.size(2) - side) / 2 + side)
            .slice(3, (x.size(3) - side) / 2, (x.size(3) - side) / 2 + side);
    x = at::upsample_bilinear2d(x, {size, size}, false, c10::nullopt, c10::nullopt).clamp(0, 1);
    const double severities[] = {20, 45, 70};
    const std::int64_t gap = 4;
    std::vector<at::Tensor> rows;
    for (auto type : rirf::all_degradation_types()) {
      std::vector<at::Tensor> cells = {x};
      rirf::Rng rng(seed);
      for (double s : severities) {
        rirf::DegradationPlan plan{{rirf::make_step(type, s, rng)}};
        cells.push_back(at::constant_pad_nd(rirf::apply(x, plan), {gap, 0}, 1.0));
      }
      rows.push_back(at::constant_pad_nd(at::cat(cells, 3), {0, 0, gap, 0}, 1.0));
      std::cout << rirf::type_name(type) << ": columns clean, severity 20, 45, 70\n";
    }
    rirf::save_image(rirf::image_from_tensor(at::cat(rows, 2)), argv[2]);
  } catch (const rirf::Error& e) {
    std::cerr << "contact_sheet: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
