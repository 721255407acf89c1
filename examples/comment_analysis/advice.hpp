// Suggestions tied to the product: which asked-about attribute the host
// should repeat on air (clusters of price / spec / shipping questions,
// matched to the product's fields when a --product is given, with the
// value to say) and which complaint cluster to address, with counts.
#pragma once

#include <cstddef>

#include "comment_analysis/clusters.hpp"
#include "common/json_input.hpp"
#include "common/product.hpp"

namespace comments {

/// Suggestions for clusters asked or raised at least `min_count` times,
/// most asked first, at most `limit` of each kind. `product` may be null.
/// Each: {"kind": "repeat" | "address", "attribute", "label", "value"?,
/// "cluster", "text", "count", "users", "say"}.
app::Json product_advice(const ClusterTable& clusters, const app::Product* product, std::size_t min_count = 2,
                         std::size_t limit = 5);

}  // namespace comments
