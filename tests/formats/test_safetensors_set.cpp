// SafetensorsSet: whole models from one file or a sharded index, the
// directory entry point, and index validation; GgufTensorSource. Both are
// also exercised through the TensorSource interface.
#include <catch2/catch.hpp>

#include <liveformer/formats/gguf_tensor_source.hpp>
#include <liveformer/formats/safetensors.hpp>

#include "harness/compare.hpp"
#include "test_safetensors_writer.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using lf::SafetensorsSet;
namespace st = lf::test::st;

namespace {

std::string sharded_dir() { return lf::test::test_data_dir() + "/safetensors/sharded"; }

void check_values(const lf::Tensor& t, int seed) {
  const std::vector<float> got = lf::test::values(t);
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("element " << i);
    REQUIRE(got[i] == st::value(static_cast<std::int64_t>(i), seed));
  }
}

st::Entry f32_entry(const std::string& name, std::int64_t n, int seed) {
  return {name, "F32", {n}, st::encode("F32", st::values(n, seed))};
}

// A two-shard directory written by the test writer, with `weight_map_json`
// as the index's weight map; shard "a.safetensors" holds x and y,
// "b.safetensors" holds z.
struct Sharded {
  st::TempDir dir;
  explicit Sharded(const std::string& weight_map_json) {
    st::save(dir / "a.safetensors", st::write({f32_entry("x", 3, 1), f32_entry("y", 2, 2)}));
    st::save(dir / "b.safetensors", st::write({f32_entry("z", 4, 3)}));
    st::save_text(dir / "model.safetensors.index.json",
                  "{\"metadata\":{\"total_size\":36},\"weight_map\":" + weight_map_json + "}");
  }
  std::string index() const { return dir / "model.safetensors.index.json"; }
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const lf::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("safetensors set: reference sharded model through its index", "[safetensors][set]") {
  const SafetensorsSet s = SafetensorsSet::open_directory(sharded_dir());
  CHECK_THAT(s.path(), EndsWith("sharded/model.safetensors.index.json"));
  CHECK(s.describe() == s.path());
  REQUIRE(s.shards().size() == 2);
  CHECK_THAT(s.shards()[0].path(), EndsWith("model-00001-of-00002.safetensors"));
  CHECK_THAT(s.shards()[1].path(), EndsWith("model-00002-of-00002.safetensors"));

  const std::vector<std::string> names = {"embed.weight", "layers.0.w", "layers.1.w", "lm_head.weight"};
  CHECK(s.tensor_names() == names);
  // The index's total_size (written by the reference script) is the sum of
  // the tensors' bytes.
  std::uint64_t total = 0;
  for (const auto& n : names) total += s.find(n)->n_bytes();
  CHECK(s.metadata().at("total_size") == std::to_string(total));

  CHECK_THAT(s.shard_of("layers.0.w")->path(), EndsWith("model-00001-of-00002.safetensors"));
  CHECK_THAT(s.shard_of("lm_head.weight")->path(), EndsWith("model-00002-of-00002.safetensors"));
  CHECK(s.shard_of("nope") == nullptr);

  const lf::TensorSource& src = s;
  const struct {
    const char* name;
    lf::DType dtype;
    lf::Shape shape;
    int seed;
  } want[] = {{"embed.weight", lf::DType::f32, {4, 3}, 7},
              {"layers.0.w", lf::DType::bf16, {3, 3}, 8},
              {"layers.1.w", lf::DType::f16, {3, 3}, 9},
              {"lm_head.weight", lf::DType::f32, {4, 3}, 10}};
  for (const auto& w : want) {
    INFO(w.name);
    CHECK(src.has_tensor(w.name));
    const lf::Tensor t = src.tensor(w.name);
    CHECK(t.dtype() == w.dtype);
    CHECK(t.shape() == w.shape);
    check_values(t, w.seed);
  }
  CHECK_FALSE(src.has_tensor("missing"));
  CHECK_THROWS_WITH(src.tensor("missing"),
                    Contains("model.safetensors.index.json: no tensor named 'missing'"));

  // Copies stay valid on their own.
  const SafetensorsSet copy = s;
  check_values(copy.tensor("layers.1.w"), 9);
}

TEST_CASE("safetensors set: directory entry point", "[safetensors][set]") {
  SECTION("single model.safetensors") {
    st::TempDir dir;
    st::save(dir / "model.safetensors", st::write({f32_entry("w", 5, 4)}, {{"format", "pt"}}));
    const SafetensorsSet s = SafetensorsSet::open_directory(dir.path.string());
    CHECK(s.path() == dir / "model.safetensors");
    CHECK(s.shards().size() == 1);
    CHECK(s.metadata().at("format") == "pt");
    CHECK(s.tensor_names() == std::vector<std::string>{"w"});
    check_values(s.tensor("w"), 4);
    CHECK_THROWS_WITH(s.tensor("v"), Contains("model.safetensors: no tensor named 'v'"));
  }
  SECTION("the index wins over a single file") {
    Sharded m("{\"x\":\"a.safetensors\",\"y\":\"a.safetensors\",\"z\":\"b.safetensors\"}");
    st::save(m.dir / "model.safetensors", st::write({f32_entry("w", 5, 4)}));
    const SafetensorsSet s = SafetensorsSet::open_directory(m.dir.path.string());
    CHECK(s.path() == m.index());
    CHECK(s.tensor_names() == std::vector<std::string>{"x", "y", "z"});
    check_values(s.tensor("z"), 3);
  }
  SECTION("neither file") {
    st::TempDir dir;
    st::save(dir / "pytorch_model.bin", {});
    CHECK_THROWS_WITH(SafetensorsSet::open_directory(dir.path.string()),
                      Contains(dir.path.string() + ": no safetensors model found (looked for "
                                                   "model.safetensors.index.json and model.safetensors)"));
  }
  SECTION("not a directory") {
    st::TempDir dir;
    CHECK_THROWS_WITH(SafetensorsSet::open_directory(dir / "nowhere"), Contains("nowhere: not a directory"));
  }
  SECTION("a broken single file names itself") {
    st::TempDir dir;
    st::save(dir / "model.safetensors", std::vector<std::byte>(4));
    CHECK_THROWS_WITH(SafetensorsSet::open_directory(dir.path.string()),
                      Contains("model.safetensors: file is 4 bytes, too short"));
  }
}

TEST_CASE("safetensors set: index validation", "[safetensors][set][malformed]") {
  SECTION("a valid index; './a' and 'a' are one shard") {
    Sharded m("{\"x\":\"a.safetensors\",\"y\":\"./a.safetensors\",\"z\":\"b.safetensors\"}");
    const SafetensorsSet s = SafetensorsSet::open_index(m.index());
    CHECK(s.shards().size() == 2);
    CHECK(s.metadata().at("total_size") == "36");
  }
  SECTION("a tensor in a shard but not in the weight map is still served") {
    Sharded m("{\"x\":\"a.safetensors\",\"z\":\"b.safetensors\"}");
    const SafetensorsSet s = SafetensorsSet::open_index(m.index());
    check_values(s.tensor("y"), 2);
  }
  const struct {
    const char* weight_map;
    const char* message;
  } cases[] = {
      {"{\"x\":\"a.safetensors\",\"z\":\"c.safetensors\"}",
       "cannot load shard 'c.safetensors' (listed for tensor 'z'): "},
      {"{\"x\":\"a.safetensors\",\"z\":\"../b.safetensors\"}",
       "weight_map entry for 'z' names shard '../b.safetensors', which leaves the index's directory through '..'"},
      {"{\"x\":\"a.safetensors\",\"z\":\"sub/../../b.safetensors\"}", "leaves the index's directory"},
      {"{\"x\":\"/etc/passwd\"}", "names shard '/etc/passwd', an absolute path"},
      {"{\"x\":\"\"}", "weight_map entry for 'x' names an empty shard path"},
      // The message goes on past the NUL (lf::Error escapes it).
      {"{\"x\":\"a\\u0000b\\r.safetensors\"}", "names shard 'a\\x00b\\x0d.safetensors', which contains a NUL byte"},
      {"{\"x\":\"a.safetensors\",\"w\":\"b.safetensors\"}",
       "tensor 'w' is listed in shard 'b.safetensors', which has no such tensor"},
      {"{\"x\":\"b.safetensors\",\"y\":\"a.safetensors\",\"z\":\"b.safetensors\"}",
       "tensor 'x' is listed in shard 'b.safetensors' but is in '"},
      {"{\"x\":\"a.safetensors\",\"x\":\"b.safetensors\"}", "index has duplicate key 'x' inside 'weight_map'"},
      {"{\"x\":3}", "weight_map entry for 'x' is an integer (3), expected a file name"},
      {"[\"a.safetensors\"]", "\"weight_map\" is an array, expected an object"},
      {"{}", "\"weight_map\" is empty"},
  };
  SECTION("bad weight maps") {
    for (const auto& c : cases) {
      INFO(c.weight_map);
      Sharded m(c.weight_map);
      const std::string msg = error_of([&] { SafetensorsSet::open_index(m.index()); });
      CHECK_THAT(msg, Contains(m.index() + ": "));
      CHECK_THAT(msg, Contains(c.message));
    }
  }
  SECTION("the missing shard's own error is included") {
    Sharded m("{\"x\":\"a.safetensors\",\"z\":\"c.safetensors\"}");
    CHECK_THROWS_WITH(SafetensorsSet::open_index(m.index()), Contains("c.safetensors: cannot open"));
  }
  SECTION("a tensor in two shards") {
    Sharded m("{\"x\":\"a.safetensors\",\"z\":\"b.safetensors\"}");
    st::save(m.dir / "b.safetensors", st::write({f32_entry("x", 3, 1), f32_entry("z", 4, 3)}));
    CHECK_THROWS_WITH(SafetensorsSet::open_index(m.index()), Contains("tensor 'x' is in two shards"));
  }
  SECTION("a broken shard names the index and the shard") {
    Sharded m("{\"x\":\"a.safetensors\",\"z\":\"b.safetensors\"}");
    st::save(m.dir / "b.safetensors", std::vector<std::byte>(5));
    const std::string msg = error_of([&] { SafetensorsSet::open_index(m.index()); });
    CHECK_THAT(msg, Contains(m.index() + ": cannot load shard 'b.safetensors'"));
    CHECK_THAT(msg, Contains("b.safetensors: file is 5 bytes, too short"));
  }
  SECTION("malformed index JSON and structure") {
    st::TempDir dir;
    const std::string index = dir / "model.safetensors.index.json";
    const struct {
      const char* text;
      const char* message;
    } bad[] = {
        {"{\"weight_map\": {", "index is not valid JSON"},
        {"[]", "index is an array, expected a JSON object"},
        {"{\"metadata\":{}}", "index has no \"weight_map\""},
        {"{\"metadata\":3,\"weight_map\":{\"x\":\"a\"}}", "\"metadata\" is an integer, expected an object"},
        {"", "index is not valid JSON"},
    };
    for (const auto& b : bad) {
      INFO(b.text);
      st::save_text(index, b.text);
      const std::string msg = error_of([&] { SafetensorsSet::open_index(index); });
      CHECK_THAT(msg, Contains(index + ": "));
      CHECK_THAT(msg, Contains(b.message));
    }
  }
}

TEST_CASE("gguf tensor source: serves a GgufFile's tensors", "[safetensors][gguf]") {
  lf::GgufWriter w;
  w.set("general.architecture", "test");
  const std::vector<float> a = st::values(6, 1), b = st::values(8, 2);
  w.add_tensor("blk.0.b", lf::Tensor::from(b, {2, 4}));
  w.add_tensor("a", lf::Tensor::from(a, {3, 2}));
  const lf::GgufTensorSource g(lf::GgufFile::from_bytes(w.to_bytes(), "model.gguf"));
  const lf::TensorSource& src = g;

  CHECK(src.describe() == "model.gguf");
  CHECK(src.tensor_names() == std::vector<std::string>{"blk.0.b", "a"});  // file order
  CHECK(src.has_tensor("a"));
  CHECK_FALSE(src.has_tensor("c"));
  const lf::Tensor ta = src.tensor("a");
  CHECK(ta.shape() == lf::Shape{3, 2});
  check_values(ta, 1);
  check_values(src.tensor("blk.0.b"), 2);
  CHECK_THROWS_WITH(src.tensor("c"), Contains("model.gguf") && Contains("'c'"));
  CHECK(g.file().get_string("general.architecture") == "test");

  st::TempDir dir;
  w.write(dir / "m.gguf");
  const lf::GgufTensorSource from_disk = lf::GgufTensorSource::open(dir / "m.gguf");
  CHECK(from_disk.describe() == dir / "m.gguf");
  check_values(from_disk.tensor("blk.0.b"), 2);
}
