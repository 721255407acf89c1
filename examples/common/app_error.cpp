#include "common/app_error.hpp"

#include <cstdio>
#include <exception>
#include <new>

namespace app {

namespace {

const char* g_name = "app";

// The message on one line: embedded newlines (a JSON parser's context, a
// library message) must not break the "one stderr line" rule.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

void print_error(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "%s: %s\n", g_name, one_line(message).c_str());
  std::fflush(stderr);
}

}  // namespace

const char* app_name() { return g_name; }

void progress(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", g_name, one_line(message).c_str());
  std::fflush(stderr);
}

int run_app(const char* name, int (*body)(int argc, char** argv), int argc, char** argv) {
  g_name = name;
  try {
    return body(argc, argv);
  } catch (const AppError& e) {
    print_error(e.what());
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    print_error("out of memory");
  } catch (const std::exception& e) {
    print_error(std::string("internal error: ") + e.what());
  } catch (...) {
    print_error("internal error: unknown exception");
  }
  return 1;
}

}  // namespace app
