#include "tokenize.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "liveformer/formats/gguf.hpp"
#include "liveformer/formats/tokenizer.hpp"
#include "liveformer/formats/utf8.hpp"
#include "liveformer/formats/vocabulary.hpp"

namespace fs = std::filesystem;

namespace lf::cli {
namespace {

std::unique_ptr<Tokenizer> open_tokenizer(const fs::path& p) {
  if (fs::is_directory(p)) {
    if (fs::exists(p / "tokenizer.json")) return make_tokenizer(Vocabulary::from_tokenizer_json(p / "tokenizer.json"));
    if (fs::exists(p / "tokenizer.model")) return load_sentencepiece_model(p / "tokenizer.model");
    throw Error(p.string() + ": no tokenizer.json or tokenizer.model in the directory");
  }
  if (p.extension() == ".json") return make_tokenizer(Vocabulary::from_tokenizer_json(p));
  if (p.extension() == ".model") return load_sentencepiece_model(p);
  return make_tokenizer(Vocabulary::from_gguf(GgufFile::open(p.string())));
}

// A token's bytes for one line of --pieces: whole UTF-8 characters as they
// are; a byte that is part of a character split across tokens, a control
// character or a backslash escaped (\xe4, \n, \\), so every piece stays on
// its line and can be read back unambiguously.
std::string quoted_piece(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (std::size_t i = 0; i < bytes.size();) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    const utf8::Decoded d = utf8::decode(bytes, i);
    const bool c1_control = d.valid && d.code_point >= 0x80 && d.code_point <= 0x9f;
    if (b == '\n') out += "\\n";
    else if (b == '\t') out += "\\t";
    else if (b == '\r') out += "\\r";
    else if (b == '\\') out += "\\\\";
    else if (d.valid && !c1_control && b >= 0x20 && b != 0x7f) {
      out.append(bytes.substr(i, d.length));
      i += d.length;
      continue;
    } else {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
    ++i;
  }
  return out + "'";
}

}  // namespace

int cmd_tokenize(Args& a) {
  const std::string path = a.require("-m");
  const bool add_special = a.flag("--add-special");
  const bool pieces = a.flag("--pieces");
  const bool from_stdin = a.flag("--stdin");
  std::string text;
  if (from_stdin) {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    const std::vector<std::string> rest = a.positional();
    LF_CHECK(rest.size() == 1, "arguments", "give the text as one argument, or --stdin");
    text = rest[0];
  }
  a.finish();
  const auto tok = open_tokenizer(path);
  const std::vector<std::int32_t> ids = tok->encode(text, add_special);
  if (pieces) {
    // As llama.cpp's llama-tokenize: "id -> 'piece'", one token a line.
    for (const std::int32_t id : ids) std::printf("%6d -> %s\n", id, quoted_piece(tok->token_to_piece(id)).c_str());
    return 0;
  }
  std::string line;
  for (std::size_t i = 0; i < ids.size(); ++i) line += (i ? " " : "") + std::to_string(ids[i]);
  std::printf("%s\n", line.c_str());
  return 0;
}

}  // namespace lf::cli
