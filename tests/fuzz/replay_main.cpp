// A main() for the fuzz targets without libFuzzer: feeds every file named
// on the command line (directories are walked) to LLVMFuzzerTestOneInput
// once. Built into the ordinary test suite, so the committed seed corpora
// and crash inputs replay in every build (and under ASan/UBSan in the
// sanitizer build) as regression tests.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

// usage: fuzz_replay_NAME [--prefix P] PATH...
// --prefix keeps, from the directories named after it, only the files whose
// names start with P (the crash directory holds every target's inputs).
int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> inputs;
  std::string prefix;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg = argv[i];
    if (arg == "--prefix" && i + 1 < argc) {
      prefix = argv[++i];
    } else if (fs::is_directory(arg)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg))
        if (entry.is_regular_file() && entry.path().filename().string().rfind(prefix, 0) == 0)
          inputs.push_back(entry.path());
    } else if (fs::is_regular_file(arg)) {
      inputs.push_back(arg);
    } else {
      std::fprintf(stderr, "replay: %s is not a file or directory\n", argv[i]);
      return 2;
    }
  }
  std::sort(inputs.begin(), inputs.end());
  for (const fs::path& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
      std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
      return 2;
    }
    std::fprintf(stderr, "replay: %s\n", path.c_str());  // names the input if the target aborts
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::printf("replay: %zu inputs passed\n", inputs.size());
  return inputs.empty() ? 1 : 0;  // an empty corpus would make the test meaningless
}
