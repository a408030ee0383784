#include "infra/metered_http_client.hpp"

#include <chrono>

namespace lc::infra {

const MeteredHttpClient::Names MeteredHttpClient::kProviders{
    "liveclass_provider_request_duration_seconds",
    "Time of calls to conferencing providers, by provider and kind of call.",
    "liveclass_provider_errors_total",
    "Provider calls that got no answer (refused, timeout, circuit open) or an HTTP 5xx.",
    "provider",
    "endpoint"};

const MeteredHttpClient::Names MeteredHttpClient::kStorage{
    "liveclass_storage_request_duration_seconds",
    "Time of calls to the recordings store (S3-compatible), by store and operation; each attempt counts.",
    "liveclass_storage_errors_total",
    "Recordings store calls that got no answer (refused, timeout) or an HTTP 5xx.",
    "store",
    "operation"};

MeteredHttpClient::MeteredHttpClient(const HttpClient& inner, metrics::Registry& registry, const Names& names)
    : inner_(inner),
      // Uploads of large parts take minutes: the buckets reach up to 10 minutes.
      duration_(registry.histogram(names.duration, names.duration_help,
                                   {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120, 600},
                                   {names.who, names.what})),
      errors_(registry.counter(names.errors, names.errors_help, {names.who, names.what})) {}

Result<HttpResponse> MeteredHttpClient::send(const HttpRequest& request) const {
    auto t0 = std::chrono::steady_clock::now();
    auto res = inner_.send(request);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // These calls are network round trips: one labelled lookup (a short mutex) per call is noise.
    metrics::Labels labels{request.provider.empty() ? "other" : request.provider,
                           request.endpoint.empty() ? "other" : request.endpoint};
    duration_.with(labels).observe(seconds);
    if (!res || res->status >= 500) errors_.with(labels).inc();
    return res;
}

}  // namespace lc::infra
