// parse_json: the one JSON entry point (depth, duplicate keys, linear time).
#include "json_document.hpp"

#include <unordered_set>
#include <vector>

#include "liveformer/core/error.hpp"

namespace lf::detail {
namespace {

using nlohmann::json;

// The checking pass: sees every token once, builds nothing.
class Checker final : public nlohmann::json_sax<json> {
 public:
  Checker(const JsonRules& rules, const std::string& where, const std::string& what)
      : rules_(rules), where_(where), what_(what) {}

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(true); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    Frame& top = stack_.back();
    if (rules_.unique_keys && !top.keys.insert(k).second) {
      std::string msg = what_ + " has duplicate key '" + k + "'";
      if (!top.name.empty()) msg += " inside '" + top.name + "'";
      throw_error(where_, msg);
    }
    pending_key_ = std::move(k);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    throw_error(where_, (rules_.invalid ? std::string(rules_.invalid) : what_ + " is not valid JSON") + ": " + e.what());
  }

 private:
  struct Frame {
    std::string name;  // the key this container sits under, for messages
    std::unordered_set<std::string> keys;
  };

  bool value() {
    pending_key_.clear();
    return true;
  }
  bool open(bool is_object) {
    if (static_cast<int>(stack_.size()) >= rules_.max_depth)
      throw_error(where_, what_ + " nests deeper than " + std::to_string(rules_.max_depth) + " levels");
    Frame f;
    if (is_object && rules_.unique_keys) f.name = std::move(pending_key_);
    stack_.push_back(std::move(f));
    pending_key_.clear();
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  const JsonRules& rules_;
  const std::string& where_;
  const std::string& what_;
  std::vector<Frame> stack_;
  std::string pending_key_;
};

}  // namespace

json parse_json(std::string_view text, const std::string& where, const std::string& what, const JsonRules& rules) {
  Checker checker(rules, where, what);
  json::sax_parse(text.begin(), text.end(), &checker);
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // not expected after the check; kept for safety
    throw_error(where, (rules.invalid ? std::string(rules.invalid) : what + " is not valid JSON") + ": " + e.what());
  }
}

std::string json_excerpt(const json& value) {
  // Replace invalid UTF-8 rather than throw: we are already reporting an error.
  std::string s = value.dump(-1, ' ', false, json::error_handler_t::replace);
  constexpr std::size_t kMax = 60;
  if (s.size() > kMax) s = s.substr(0, kMax) + "...";
  return s;
}

}  // namespace lf::detail
