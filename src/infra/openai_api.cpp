#include "infra/openai_api.hpp"

#include <boost/json.hpp>

#include "core/text.hpp"
#include "infra/json_fields.hpp"

namespace lc::infra {

ApiError api_error(const HttpResponse& r) {
    namespace json = boost::json;
    ApiError out;
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    if (!ec && v.is_object())
        if (const auto* e = v.get_object().if_contains("error"); e && e->is_object()) {
            out.message = utf8_prefix(clean_text(text_at(e->get_object(), "message")), 300);
            out.param = utf8_prefix(clean_text(text_at(e->get_object(), "param")), 100);
            out.code = text_at(e->get_object(), "code");
            out.type = text_at(e->get_object(), "type");
        }
    if (out.message.empty()) out.message = utf8_prefix(clean_text(r.body.substr(0, 400)), 200);
    return out;
}

std::string api_endpoint(std::string_view base, std::string_view path) {
    while (!base.empty() && base.back() == '/') base.remove_suffix(1);
    return std::string(base) + std::string(path);
}

}  // namespace lc::infra
