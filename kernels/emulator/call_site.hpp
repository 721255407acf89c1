// CallSite: where a barrier or warp collective was called from, so that
// threads waiting at different __syncthreads can be told apart. It is
// std::source_location under GCC; clang 14 with libstdc++ 12 has none, so
// there it is a small struct filled from clang's builtins. Either way
// LF_EMU_HERE, used as a default argument, is the caller's location.
#pragma once

#if defined(__clang__)

namespace lf::emu {

struct CallSite {
  const char* file;
  unsigned line_number;
  unsigned column_number;

  const char* file_name() const { return file; }
  unsigned line() const { return line_number; }
  unsigned column() const { return column_number; }
};

}  // namespace lf::emu

#define LF_EMU_HERE (::lf::emu::CallSite{__builtin_FILE(), __builtin_LINE(), __builtin_COLUMN()})

#else

#include <source_location>

namespace lf::emu {
using CallSite = std::source_location;
}  // namespace lf::emu

#define LF_EMU_HERE std::source_location::current()

#endif
