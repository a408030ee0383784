// The web front end's files (web/dist) at /, next to the API. Assets are answered in place from
// memory; the HTML shell needs the school's provider origins for its CSP, a database read, so it is
// answered on the handler pool.
#include "http/api.hpp"
#include "http/handler_support.hpp"
#include "http/security_headers.hpp"

namespace lc::http {

namespace {

/// Accept-Encoding names gzip without refusing it (q=0).
bool accepts_gzip(std::string_view header) {
    std::size_t pos = 0;
    while (pos < header.size()) {
        auto end = header.find(',', pos);
        auto item = header.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        pos = end == std::string_view::npos ? header.size() : end + 1;
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        if (item.rfind("gzip", 0) != 0) continue;
        auto rest = item.substr(4);
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        if (rest.empty()) return true;
        if (rest.front() != ';') continue;
        auto q = rest.find("q=");
        if (q == std::string_view::npos) return true;
        auto v = rest.substr(q + 2);
        return !(v.rfind("0", 0) == 0 && v.find_first_not_of("0.") == std::string_view::npos && v.size() <= 5);
    }
    return false;
}

Response file_response(const RequestContext& c, const StaticFile& f, const std::string& csp) {
    auto inm = c.req[bhttp::field::if_none_match];
    bool not_modified = !inm.empty() && std::string_view(inm.data(), inm.size()).find(f.etag) != std::string_view::npos;
    Response res{not_modified ? bhttp::status::not_modified : bhttp::status::ok, c.version()};
    res.set(bhttp::field::etag, f.etag);
    res.set(bhttp::field::cache_control, f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
    if (!csp.empty()) res.set("Content-Security-Policy", csp);
    if (!f.gzip.empty()) res.set(bhttp::field::vary, "Accept-Encoding");
    res.keep_alive(c.keep_alive());
    if (!not_modified) {
        res.set(bhttp::field::content_type, f.content_type);
        auto ae = c.req[bhttp::field::accept_encoding];
        if (!f.gzip.empty() && accepts_gzip(std::string_view(ae.data(), ae.size()))) {
            res.set(bhttp::field::content_encoding, "gzip");
            res.body() = f.gzip;
        } else if (!f.gzip.empty()) {
            res.body() = gunzip(f.gzip).value_or(std::string());  // checked at start-up: it inflates
        } else {
            res.body() = f.body;
        }
    }
    res.prepare_payload();
    return res;
}

}  // namespace

void Api::serve_web(const std::shared_ptr<RequestContext>& c, const std::string& path, const Offload& offload,
                    const Respond& respond) {
    const auto& site = *opt_.web;
    auto method = c->req.method();
    if (method != bhttp::verb::get && method != bhttp::verb::head) {
        Response r = fail(*c, Error::bad_request("the web app's pages are read with GET"));
        r.result(bhttp::status::method_not_allowed);
        r.set(bhttp::field::allow, "GET, HEAD");
        return finish(*c, std::move(r), respond);
    }
    if (!site.has_index()) {
        c->route = "web";
        return finish(*c, fail(*c, Error::not_found("the web front end is not built on this server (run `make web`)")),
                      respond);
    }
    const StaticFile* file = site.find(path);
    if (!file) {
        c->route = "web";
        return finish(*c, fail(*c, Error::not_found("no such file: " + path)), respond);
    }
    if (!site.is_index(file)) {
        c->route = "web:asset";
        auto ae = c->req[bhttp::field::accept_encoding];
        // A file kept only compressed, for a client that takes no gzip: inflating megabytes is no work for
        // an I/O thread.
        if (file->body.empty() && !file->gzip.empty() && !accepts_gzip(std::string_view(ae.data(), ae.size())))
            return offload([this, c, file, respond] { finish(*c, file_response(*c, *file, {}), respond); });
        return finish(*c, file_response(*c, *file, {}), respond);
    }
    c->route = "web:index";
    offload([this, c, file, respond] {
        std::string host(c->req[bhttp::field::host]);
        auto embedding = s_.config.page_embedding(host);
        if (!embedding) return finish(*c, fail(*c, embedding.error()), respond);
        auto origins = [](const std::vector<std::string>& urls) {
            std::vector<std::string> out;
            for (const auto& url : urls)
                if (auto o = origin_of(url); !o.empty()) out.push_back(std::move(o));
            return out;
        };
        auto csp = app_page_csp(origins(embedding->script_urls), origins(embedding->frame_urls),
                                embedding->school_domains, opt_.media_origins);
        finish(*c, file_response(*c, *file, csp), respond);
    });
}

}  // namespace lc::http
