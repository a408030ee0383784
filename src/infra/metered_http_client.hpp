#pragma once
// Call metrics around another HttpClient: a duration histogram and an error counter, labelled by
// HttpRequest::provider and ::endpoint ("other" when the caller did not say). An error is no answer at
// all (refused, timeout, circuit open) or an HTTP 5xx. Two sets of names: conferencing providers
// (liveclass_provider_*) and the recordings store (liveclass_storage_*), so that S3 calls are neither
// counted as a provider nor invisible.
#include <string>

#include "infra/http_client.hpp"
#include "infra/metrics.hpp"

namespace lc::infra {

class MeteredHttpClient final : public HttpClient {
public:
    struct Names {
        const char* duration;
        const char* duration_help;
        const char* errors;
        const char* errors_help;
        const char* who;   // label for HttpRequest::provider
        const char* what;  // label for HttpRequest::endpoint
    };
    /// liveclass_provider_request_duration_seconds / liveclass_provider_errors_total {provider, endpoint}.
    static const Names kProviders;
    /// liveclass_storage_request_duration_seconds / liveclass_storage_errors_total {store, operation}.
    static const Names kStorage;

    MeteredHttpClient(const HttpClient& inner, metrics::Registry& registry, const Names& names = kProviders);
    Result<HttpResponse> send(const HttpRequest& request) const override;

private:
    const HttpClient& inner_;
    metrics::Family<metrics::Histogram>& duration_;
    metrics::Family<metrics::Counter>& errors_;
};

}  // namespace lc::infra
