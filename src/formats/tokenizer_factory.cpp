// make_tokenizer(): picks the implementation a vocabulary is for.
#include "liveformer/formats/tokenizer.hpp"

namespace lf {

std::unique_ptr<Tokenizer> make_tokenizer(Vocabulary vocab) {
  switch (vocab.model) {
    case TokenizerModel::sentencepiece: return make_spm_tokenizer(std::move(vocab));
    case TokenizerModel::byte_level_bpe: break;
  }
  return make_bpe_tokenizer(std::move(vocab));
}

}  // namespace lf
