#pragma once
// Provider call metrics around another HttpClient: liveclass_provider_request_duration_seconds and
// liveclass_provider_errors_total, labelled by HttpRequest::provider and ::endpoint ("other" when the
// caller did not say). An error is no answer at all (refused, timeout, circuit open) or an HTTP 5xx.
#include "infra/http_client.hpp"
#include "infra/metrics.hpp"

namespace lc::infra {

class MeteredHttpClient final : public HttpClient {
public:
    MeteredHttpClient(const HttpClient& inner, metrics::Registry& registry);
    Result<HttpResponse> send(const HttpRequest& request) const override;

private:
    const HttpClient& inner_;
    metrics::Family<metrics::Histogram>& duration_;
    metrics::Family<metrics::Counter>& errors_;
};

}  // namespace lc::infra
