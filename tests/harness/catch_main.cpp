// Catch2's main, shared by every test program. It returns 77 (ctest's
// SKIP_RETURN_CODE for these programs) when every test case that ran was
// skipped (LF_SKIP with no passing assertion), so ctest reports a test
// that could not run here as skipped rather than passed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "harness/skip.hpp"

namespace {

bool g_case_skipped = false;
int g_cases = 0;
int g_skipped_cases = 0;

struct SkipCounter : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseStarting(Catch::TestCaseInfo const&) override {
    g_case_skipped = false;
    ++g_cases;
  }
  void testCaseEnded(Catch::TestCaseStats const& stats) override {
    // A partial skip (some checks ran and passed) is a pass with a note.
    if (g_case_skipped && stats.totals.assertions.passed == 0 && stats.totals.assertions.failed == 0) ++g_skipped_cases;
  }
};

}  // namespace

CATCH_REGISTER_LISTENER(SkipCounter)

void lf::test::mark_skipped() { g_case_skipped = true; }

int main(int argc, char* argv[]) {
  const int failed = Catch::Session().run(argc, argv);
  if (failed == 0 && g_cases > 0 && g_skipped_cases == g_cases) return 77;
  return failed;
}
