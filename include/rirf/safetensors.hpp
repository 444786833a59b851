// safetensors files (https://huggingface.co/docs/safetensors): an 8-byte little-endian header
// length, a JSON header naming each tensor's dtype, shape and byte range, then the raw data.
// Tensor names are the module's parameter names, so PyTorch users can load rirf weights too.
#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <string>

namespace rirf {

struct TensorFile {
  std::map<std::string, at::Tensor> tensors;
  std::map<std::string, std::string> metadata;  // the header's "__metadata__" (strings only)
};

// Writes atomically. Tensors are saved contiguous, on the CPU, in their own dtype.
void save_safetensors(const std::string& path, const TensorFile& file);
// Checks the whole header (dtypes, shapes, offsets inside the file, no overlaps) and names the
// file and the tensor at fault.
TensorFile load_safetensors(const std::string& path);

}  // namespace rirf
