#include "comment_analysis/bucket_width.hpp"

#include <cmath>
#include <limits>

namespace comments {

namespace {

constexpr double kMinute = 60, kHour = 3600, kDay = 86400;
constexpr double kRoundWidths[] = {10,          15,          30,       kMinute,     2 * kMinute, 5 * kMinute,
                                   10 * kMinute, 15 * kMinute, 30 * kMinute, kHour,   2 * kHour,   3 * kHour,
                                   6 * kHour,   12 * kHour,  kDay};

}  // namespace

double bucket_count(double first_t, double last_t, double width) {
  // In doubles: times may be anywhere a double goes (the feed only checks
  // they are finite), beyond what a 64-bit bucket index holds.
  return std::floor(last_t / width) - std::floor(first_t / width) + 1;
}

double choose_bucket_seconds(double first_t, double last_t) {
  const auto fits = [&](double width) {
    return bucket_count(first_t, last_t, width) <= static_cast<double>(kMaxBuckets);
  };
  for (const double width : kRoundWidths)
    if (fits(width)) return width;
  double width = 2 * kDay;
  // Doubling reaches any finite span in about a thousand steps.
  while (!fits(width) && width < std::numeric_limits<double>::max() / 2) width *= 2;
  return width;
}

}  // namespace comments
