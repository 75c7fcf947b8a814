#pragma once
// The figures /metrics reads from the service's parts at each scrape: what this instance
// holds now (gauges) and what it did since it started (counters kept by the parts). The
// transport registers its own counters and histogram as it is built.
#include "app/conversation_service.hpp"
#include "observability/metrics.hpp"
#include "transport/authenticator.hpp"

namespace conv {

void register_service_metrics(observability::metrics_registry& metrics,
                              const transport::authenticator& authenticator,
                              const app::live_session_cache& sessions, const app::presence_hub& hub,
                              const app::conversation_service& service);

}  // namespace conv
