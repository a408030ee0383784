#include "http/sse.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "infra/crypto.hpp"

namespace lc::http {

namespace asio = boost::asio;

const char* to_string(StreamEnd e) {
    switch (e) {
        case StreamEnd::kFinished:
            return "finished";
        case StreamEnd::kClientGone:
            return "client_gone";
        case StreamEnd::kServerStopping:
            return "server_stopping";
    }
    return "finished";
}

namespace {
/// A field value that cannot break the framing: no CR, LF or NUL.
std::string field_value(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char ch : v)
        if (ch != '\r' && ch != '\n' && ch != '\0') out += ch;
    return out;
}
}  // namespace

std::string sse_event(std::string_view event, std::string_view data, std::string_view id) {
    std::string out;
    out.reserve(data.size() + event.size() + id.size() + 32);
    if (!event.empty()) out.append("event: ").append(field_value(event)).append("\n");
    if (!id.empty()) out.append("id: ").append(field_value(id)).append("\n");
    // Every line of the data its own field: CRLF, CR and LF all end a line in the event-stream grammar.
    std::size_t pos = 0;
    for (;;) {
        std::size_t br = data.find_first_of("\r\n", pos);
        out.append("data: ").append(data.substr(pos, br == std::string_view::npos ? br : br - pos)).append("\n");
        if (br == std::string_view::npos) break;
        pos = br + (data[br] == '\r' && br + 1 < data.size() && data[br + 1] == '\n' ? 2 : 1);
    }
    out.append("\n");
    return out;
}

std::string sse_comment(std::string_view text) { return ": " + field_value(text) + "\n\n"; }

std::string sse_retry(int milliseconds) { return "retry: " + std::to_string(std::max(0, milliseconds)) + "\n\n"; }

std::string sse_state_id(std::string_view data) { return infra::sha256_hex(data).substr(0, 16); }

SsePoller::SsePoller(SseOptions opt, Offload offload, PollFn poll, std::string last_data)
    : opt_(opt), offload_(std::move(offload)), poll_(std::move(poll)), last_data_(std::move(last_data)) {}

void SsePoller::start(std::shared_ptr<StreamSink> sink) {
    if (stopped_) return;
    sink_ = std::move(sink);
    timer_.emplace(sink_->executor());
    last_write_ = Clock::now();  // the opening was just written
    next_poll_ = last_write_ + opt_.poll;
    arm();
}

void SsePoller::stop() {
    if (stopped_) return;
    stopped_ = true;
    if (timer_) timer_->cancel();
    sink_.reset();  // the connection holds this source; the source lets go of the connection
}

void SsePoller::arm() {
    if (stopped_) return;
    timer_->expires_at(std::min(next_poll_, last_write_ + opt_.keepalive));
    timer_->async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (!ec && !self->stopped_) self->tick();
    });
}

void SsePoller::tick() {
    const auto now = Clock::now();
    if (now >= next_poll_) {
        next_poll_ = now + opt_.poll;
        // The read runs on the handler pool; its answer comes back to this stream's event loop.
        offload_([self = shared_from_this(), ex = sink_->executor()] {
            SsePoll r;
            try {
                r = self->poll_();
            } catch (const std::exception&) {
                r.kind = SsePoll::Kind::kClose;  // a poll that throws would throw again: end the stream
            }
            asio::post(ex, [self, r = std::move(r)]() mutable { self->on_poll(std::move(r)); });
        });
        return;
    }
    send(sse_comment("keepalive"), false);
}

void SsePoller::on_poll(SsePoll r) {
    if (stopped_) return;
    switch (r.kind) {
        case SsePoll::Kind::kState:
            if (r.data == last_data_) break;
            last_data_ = r.data;
            return send(sse_event(r.event, r.data, sse_state_id(r.data)), false);
        case SsePoll::Kind::kFinal:
            return send(sse_event(r.event, r.data), true);
        case SsePoll::Kind::kClose:
            return end();
        case SsePoll::Kind::kSkip:
            break;
    }
    arm();
}

void SsePoller::send(std::string chunk, bool then_end) {
    sink_->write(std::move(chunk), [self = shared_from_this(), then_end](bool ok) {
        if (!ok || self->stopped_) return;  // the connection stops this source itself
        self->last_write_ = Clock::now();
        if (then_end) return self->end();
        self->arm();
    });
}

void SsePoller::end() {
    auto sink = sink_;
    stop();
    if (sink) sink->end();
}

}  // namespace lc::http
