// A model's tensors from one .safetensors file or a sharded, indexed set.
#include <filesystem>

#include "liveformer/formats/contained_file.hpp"
#include "liveformer/formats/mapped_file.hpp"
#include "liveformer/formats/safetensors.hpp"
#include "safetensors_json.hpp"

namespace lf {

namespace fs = std::filesystem;
using nlohmann::json;
using safetensors_detail::json_excerpt;
using safetensors_detail::json_kind;

namespace {

constexpr const char* kIndexName = "model.safetensors.index.json";
constexpr const char* kSingleName = "model.safetensors";

// A shard must be a plain relative path inside the index's directory:
// anything else could make a downloaded index read arbitrary files. This is
// the check on the text; ContainedDirectory checks the resolved file too
// (a symlinked component). Returns the normalised name used to open each
// shard once.
std::string checked_shard_name(const std::string& where, const std::string& tensor, const std::string& shard) {
  const std::string what = "weight_map entry for '" + tensor + "' names shard '" + shard + "'";
  if (shard.empty()) throw_error(where, "weight_map entry for '" + tensor + "' names an empty shard path");
  if (shard.find('\0') != std::string::npos) throw_error(where, what + ", which contains a NUL byte");
  const fs::path p(shard);
  if (p.is_absolute() || p.has_root_path()) {
    throw_error(where, what + ", an absolute path; shard paths must be relative to the index's directory");
  }
  for (const fs::path& part : p) {
    if (part == "..") throw_error(where, what + ", which leaves the index's directory through '..'");
  }
  return p.lexically_normal().generic_string();
}

std::string metadata_string(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

SafetensorsSet SafetensorsSet::open_directory(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw_error(dir, "not a directory (looking for a safetensors model)");
  const fs::path index = fs::path(dir) / kIndexName;
  if (fs::exists(index, ec)) return open_index(index.string());
  const fs::path single = fs::path(dir) / kSingleName;
  if (fs::exists(single, ec)) return open_file(single.string());
  throw_error(dir, std::string("no safetensors model found (looked for ") + kIndexName + " and " + kSingleName + ")");
}

SafetensorsSet SafetensorsSet::open_file(const std::string& path) {
  SafetensorsSet s;
  s.path_ = path;
  const fs::path p(path);
  const ContainedDirectory dir(p.has_parent_path() ? p.parent_path() : fs::path("."));
  s.shards_.push_back(SafetensorsFile::parse(dir.map(p.filename())));
  s.metadata_ = s.shards_[0].metadata();
  s.add_shard_tensors(0);
  return s;
}

SafetensorsSet SafetensorsSet::open_index(const std::string& index_path) {
  SafetensorsSet s;
  s.path_ = index_path;
  const fs::path index_file(index_path);
  const ContainedDirectory dir(index_file.has_parent_path() ? index_file.parent_path() : fs::path("."));
  const auto file = dir.map(index_file.filename());
  if (file->size() > SafetensorsFile::kMaxHeaderBytes) {
    throw_error(index_path, "index is " + std::to_string(file->size()) + " bytes, over the limit of " +
                                std::to_string(SafetensorsFile::kMaxHeaderBytes));
  }
  const std::string_view text(reinterpret_cast<const char*>(file->data()), file->size());
  const json index = safetensors_detail::parse_strict_json(text, index_path, "index");
  if (!index.is_object()) throw_error(index_path, "index is " + json_kind(index) + ", expected a JSON object");

  if (const auto it = index.find("metadata"); it != index.end() && !it->is_null()) {
    if (!it->is_object()) throw_error(index_path, "\"metadata\" is " + json_kind(*it) + ", expected an object");
    for (const auto& [key, v] : it->items()) s.metadata_.emplace(key, metadata_string(v));
  }
  const auto wm = index.find("weight_map");
  if (wm == index.end()) throw_error(index_path, "index has no \"weight_map\"");
  if (!wm->is_object()) throw_error(index_path, "\"weight_map\" is " + json_kind(*wm) + ", expected an object");
  if (wm->empty()) throw_error(index_path, "\"weight_map\" is empty");

  // tensor -> normalised shard name, validated before any file is opened.
  std::map<std::string, std::string> listed;
  std::map<std::string, std::string> first_tensor_of;  // shard -> a tensor naming it, for messages
  for (const auto& [tensor, shard] : wm->items()) {
    if (!shard.is_string()) {
      throw_error(index_path, "weight_map entry for '" + tensor + "' is " + json_kind(shard) + " (" +
                                  json_excerpt(shard) + "), expected a file name");
    }
    const std::string name = checked_shard_name(index_path, tensor, shard.get<std::string>());
    listed.emplace(tensor, name);
    first_tensor_of.emplace(name, tensor);
  }

  // Open each shard once, in file-name order.
  std::map<std::string, std::size_t> shard_index;
  for (const auto& [name, tensor] : first_tensor_of) {
    try {
      s.shards_.push_back(SafetensorsFile::parse(dir.map(name)));
    } catch (const Error& e) {
      throw_error(index_path, "cannot load shard '" + name + "' (listed for tensor '" + tensor + "'): " + e.what());
    }
    shard_index.emplace(name, s.shards_.size() - 1);
    s.add_shard_tensors(s.shards_.size() - 1);
  }

  // The index must agree with what the shards actually hold.
  for (const auto& [tensor, name] : listed) {
    const auto it = s.where_.find(tensor);
    if (it == s.where_.end()) {
      throw_error(index_path, "tensor '" + tensor + "' is listed in shard '" + name + "', which has no such tensor");
    }
    const std::size_t expected = shard_index.at(name);
    if (it->second.shard != expected) {
      throw_error(index_path, "tensor '" + tensor + "' is listed in shard '" + name + "' but is in '" +
                                  s.shards_[it->second.shard].path() + "'");
    }
  }
  return s;
}

void SafetensorsSet::add_shard_tensors(std::size_t shard) {
  const std::vector<SafetensorsTensorInfo>& infos = shards_[shard].tensors();
  for (std::size_t i = 0; i < infos.size(); ++i) {
    const auto [it, inserted] = where_.emplace(infos[i].name, Location{shard, i});
    if (!inserted) {
      throw_error(path_, "tensor '" + infos[i].name + "' is in two shards: '" + shards_[it->second.shard].path() +
                             "' and '" + shards_[shard].path() + "'");
    }
  }
}

const SafetensorsTensorInfo* SafetensorsSet::find(std::string_view name) const {
  const auto it = where_.find(name);
  return it == where_.end() ? nullptr : &shards_[it->second.shard].tensors()[it->second.tensor];
}

const SafetensorsFile* SafetensorsSet::shard_of(std::string_view name) const {
  const auto it = where_.find(name);
  return it == where_.end() ? nullptr : &shards_[it->second.shard];
}

std::vector<std::string> SafetensorsSet::tensor_names() const {
  std::vector<std::string> names;
  names.reserve(where_.size());
  for (const auto& [name, loc] : where_) names.push_back(name);
  return names;
}

Tensor SafetensorsSet::tensor(std::string_view name) const {
  const auto it = where_.find(name);
  if (it == where_.end()) throw_error(path_, "no tensor named '" + std::string(name) + "'");
  const SafetensorsFile& shard = shards_[it->second.shard];
  return shard.tensor(shard.tensors()[it->second.tensor]);
}

}  // namespace lf
