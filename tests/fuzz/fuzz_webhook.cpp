// Fuzzes provider webhook intake: WebhookService::receive with Jitsi, BigBlueButton and Zoom
// deliveries whose signature headers, timestamps, query and body come from the input. A mode bit
// signs the delivery correctly (with the school's real secret, as the provider would), so the
// fuzzer also gets past the signature checks into the payload parsers and the inbox.
// Invariants: no crash or sanitizer report; an unsigned or wrongly signed delivery is never accepted
// (2xx); nothing is answered with an internal error.
#include <fuzzer/FuzzedDataProvider.h>

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_app.hpp"
#include "infra/jwt.hpp"
#include "providers/bbb.hpp"
#include "providers/factory.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto& w = lc::fuzz::world();
    FuzzedDataProvider in(data, size);
    const auto provider = in.ConsumeIntegralInRange<int>(0, 3);
    const auto flags = in.ConsumeIntegral<std::uint8_t>();
    const bool sign = flags & 1;
    std::string ts = in.ConsumeRandomLengthString(24);
    if (flags & 2) ts = std::to_string(lc::fuzz::kNow + in.ConsumeIntegralInRange<int>(-400, 400));
    std::string signature = in.ConsumeRandomLengthString(160);
    std::string event_kind = in.ConsumeRandomLengthString(24);
    std::string meeting = w.substitute(in.ConsumeRandomLengthString(80));
    std::string body = w.substitute(in.ConsumeRemainingBytesAsString());

    lc::services::WebhookDelivery d;
    d.provider = provider == 0 ? "jitsi" : provider == 1 ? "bbb" : provider == 2 ? "zoom" : event_kind;
    d.method = (flags & 4) ? "GET" : "POST";
    d.body = body;
    d.headers["content-type"] = (flags & 8) ? "application/x-www-form-urlencoded" : "application/json";
    if (provider == 0) {
        d.headers["x-live-timestamp"] = ts;
        d.headers["x-live-signature"] =
            sign ? "sha256=" + lc::infra::hmac_sha256_hex(lc::fuzz::kJitsiWebhookSecret, ts + "." + body) : signature;
    } else if (provider == 1) {
        if (!(flags & 16)) d.query["tenant"] = w.tenant.id;
        if (!event_kind.empty() && (flags & 32)) d.query["event"] = event_kind;
        if (!meeting.empty()) {
            d.query[event_kind == "meeting-ended" ? "meeting_id" : "meeting"] = meeting;
        }
        if (event_kind == "analytics") {
            d.headers["authorization"] =
                "Bearer " + (sign ? lc::infra::jwt_sign_hs512(boost::json::object{{"exp", lc::fuzz::kNow + 600}},
                                                              lc::fuzz::kBbbSecret)
                                  : signature);
        } else if (event_kind == "meeting-ended") {
            d.query["token"] = sign ? lc::providers::bbb_end_callback_token(lc::fuzz::kBbbSecret, meeting) : signature;
        } else {
            std::string callback =
                lc::providers::webhook_url(lc::fuzz::kPublicUrl, lc::domain::ProviderKind::kBbb, w.tenant.id);
            if (!meeting.empty()) callback = lc::providers::bbb_hook_url(callback, meeting);
            d.query["checksum"] = sign ? lc::infra::sha256_hex(callback + body + lc::fuzz::kBbbSecret) : signature;
        }
        for (const auto& [k, v] : d.query) d.raw_query += (d.raw_query.empty() ? "" : "&") + k + "=" + v;
    } else if (provider == 2) {
        if (flags & 16) d.query["tenant"] = w.tenant.id;
        d.headers["x-zm-request-timestamp"] = ts;
        d.headers["x-zm-signature"] =
            sign ? "v0=" + lc::infra::hmac_sha256_hex(lc::fuzz::kZoomWebhookSecret, "v0:" + ts + ":" + body)
                 : signature;
    }
    auto answer = w.app->webhooks().receive(d);
    static const bool trace = std::getenv("LIVECLASS_FUZZ_TRACE") != nullptr;  // to check what seeds reach
    if (trace)
        std::fprintf(stderr, "%s %s -> %s\n", d.provider.c_str(), d.raw_query.c_str(),
                     answer ? std::to_string(answer->status).c_str() : answer.error().message.c_str());
    if (!answer) {
        if (answer.error().code == lc::Code::kInternal)
            lc::fuzz::invariant_failed("internal error: " + answer.error().message + " / " + answer.error().internal);
        return 0;
    }
    // Accepted: only a delivery signed with the school's secret (or BBB's signed JWT callback) may get here.
    const bool bbb_jwt_callback = provider == 1 && d.query.count("event") && d.query["event"] == "recording-ready";
    if (!sign && !bbb_jwt_callback && answer->status < 300)
        lc::fuzz::invariant_failed("an unsigned delivery was accepted with " + std::to_string(answer->status));
    return 0;
}
