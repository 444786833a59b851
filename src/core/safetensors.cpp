#include "rirf/safetensors.hpp"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>

#include "rirf/error.hpp"
#include "rirf/file_io.hpp"

namespace rirf {
namespace {

using nlohmann::json;

struct DtypeName {
  at::ScalarType type;
  const char* name;
};
const DtypeName kDtypes[] = {{at::kFloat, "F32"}, {at::kDouble, "F64"}, {at::kHalf, "F16"}, {at::kBFloat16, "BF16"},
                             {at::kLong, "I64"},  {at::kInt, "I32"},    {at::kShort, "I16"}, {at::kChar, "I8"},
                             {at::kByte, "U8"},   {at::kBool, "BOOL"}};

const char* dtype_name(at::ScalarType type) {
  for (const auto& d : kDtypes)
    if (d.type == type) return d.name;
  throw Error(std::string("cannot save tensors of type ") + at::toString(type) + " as safetensors");
}

constexpr std::uint64_t kMaxHeader = 100 * 1024 * 1024;

}  // namespace

void save_safetensors(const std::string& path, const TensorFile& file) {
  json header = json::object();
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::vector<at::Tensor> data;
  std::uint64_t offset = 0;
  for (const auto& [name, tensor] : file.tensors) {  // std::map: sorted names, stable files
    const at::Tensor t = tensor.detach().to(at::kCPU).contiguous();
    const std::uint64_t bytes = static_cast<std::uint64_t>(t.numel()) * t.element_size();
    header[name] = {{"dtype", dtype_name(t.scalar_type())}, {"shape", t.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
    data.push_back(t);
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // keeps the data 8-byte aligned
  std::string out(8, '\0');
  const std::uint64_t n = text.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  out += text;
  out.reserve(out.size() + offset);
  for (const auto& t : data) out.append(static_cast<const char*>(t.data_ptr()), t.numel() * t.element_size());
  write_file_atomic(path, out);
}

TensorFile load_safetensors(const std::string& path) {
  const auto bytes = read_file_bytes(path);
  const std::string where = "cannot load weights '" + path + "': ";
  check(bytes.size() >= 8, where + "file too short to be safetensors");
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= static_cast<std::uint64_t>(bytes[i]) << (8 * i);
  check(n <= kMaxHeader && n <= bytes.size() - 8, where + "not a safetensors file (bad header length)");
  json header;
  try {
    header = json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<std::ptrdiff_t>(n));
  } catch (const json::exception&) {
    throw Error(where + "not a safetensors file (header is not JSON)");
  }
  check(header.is_object(), where + "header is not a JSON object");
  const std::uint64_t data_size = bytes.size() - 8 - n;
  const std::uint8_t* data = bytes.data() + 8 + n;
  TensorFile file;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      check(entry.is_object(), where + "__metadata__ must be an object");
      for (const auto& [key, value] : entry.items()) {
        check(value.is_string(), where + "__metadata__." + key + " must be a string");
        file.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    const std::string bad = where + "tensor '" + name + "': ";
    check(entry.is_object() && entry.contains("dtype") && entry.contains("shape") && entry.contains("data_offsets"),
          bad + "needs dtype, shape and data_offsets");
    check(entry["dtype"].is_string(), bad + "dtype must be a string");
    const std::string dtype = entry["dtype"].get<std::string>();
    const auto it = std::find_if(std::begin(kDtypes), std::end(kDtypes), [&](const auto& d) { return dtype == d.name; });
    check(it != std::end(kDtypes), bad + "unsupported dtype '" + dtype + "'");
    std::vector<std::int64_t> shape;
    std::uint64_t count = 1;
    check(entry["shape"].is_array(), bad + "shape must be an array");
    for (const auto& d : entry["shape"]) {
      check(d.is_number_unsigned() || (d.is_number_integer() && d.get<std::int64_t>() >= 0),
            bad + "shape must hold non-negative integers");
      shape.push_back(d.get<std::int64_t>());
      check(shape.back() == 0 || count <= (std::uint64_t{1} << 40) / static_cast<std::uint64_t>(shape.back()),
            bad + "shape too large");
      count *= static_cast<std::uint64_t>(shape.back());
    }
    const auto& offsets = entry["data_offsets"];
    check(offsets.is_array() && offsets.size() == 2 && offsets[0].is_number_unsigned() && offsets[1].is_number_unsigned(),
          bad + "data_offsets must be two non-negative integers");
    const std::uint64_t begin = offsets[0].get<std::uint64_t>(), end = offsets[1].get<std::uint64_t>();
    const std::uint64_t expected = count * at::elementSize(it->type);
    check(begin <= end && end <= data_size, bad + "data_offsets point outside the file");
    check(end - begin == expected, bad + "data_offsets hold " + std::to_string(end - begin) + " bytes, shape needs " +
                                       std::to_string(expected));
    ranges.emplace_back(begin, end);
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(it->type));
    if (expected > 0) std::memcpy(t.data_ptr(), data + begin, expected);
    file.tensors[name] = t;
  }
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i)
    check(ranges[i].first >= ranges[i - 1].second, where + "tensors overlap in the data section");
  return file;
}

}  // namespace rirf
