// The width of the time buckets in the report's charts, chosen from the
// stream's span: fixed one-minute buckets turned a 70-second stream into
// two bars (34 comments and 1) and a 3-hour one into 180 slivers. A round
// width ("each bar: 30 s") is read at a glance; at most kMaxBuckets bars
// keep each one wide enough to hover.
#pragma once

#include <cstddef>

namespace comments {

inline constexpr std::size_t kMaxBuckets = 30;

/// The smallest round width (10, 15, 30 s; 1, 2, 5, 10, 15, 30 min; 1, 2,
/// 3, 6, 12 h; 1 day, then doubling) at which comments from `first_t` to
/// `last_t` seconds fall into at most kMaxBuckets buckets, each starting at
/// a multiple of the width. Never under 10 s: comments come seconds apart,
/// so narrower bars hold one comment or none.
double choose_bucket_seconds(double first_t, double last_t);

/// How many buckets of `width` seconds, aligned to multiples of it, hold
/// the times from `first_t` to `last_t`.
double bucket_count(double first_t, double last_t, double width);

}  // namespace comments
