#pragma once
// Seed 13.1: turning a recording's audio into timed text. ffmpeg's command-line tool cuts the audio
// into pieces a speech-to-text service accepts, and each piece is sent to a service that speaks
// OpenAI's audio transcription API (POST {base}/audio/transcriptions, multipart/form-data, answer in
// `verbose_json`): OpenAI itself, or a self-hosted Whisper server that offers the same API.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "domain/transcript.hpp"
#include "infra/http_client.hpp"

namespace lc::infra {

struct AudioPiece {
    std::string path;  // an MP3 file
    double start = 0;  // seconds into the recording
    double end = 0;
};

struct AudioSplit {
    std::string ffmpeg = "ffmpeg";  // LIVE_FFMPEG
    std::string input;              // a file, or an address ffmpeg can read (a signed S3 link)
    std::string dir;                // the pieces go here, named piece-000.mp3, piece-001.mp3, ...
    int piece_seconds = 600;        // LIVE_TRANSCRIBE_PIECE_SECONDS
    std::chrono::seconds timeout{1800};
};

/// The audio of `input` as mono 16 kHz MP3 at 32 kbit/s (speech needs no more; 10 minutes are ~2.4 MB,
/// far below the 25 MB a request may carry), in pieces of about `piece_seconds`, with where each starts
/// as ffmpeg measured it. Errors: Invalid when the input has no audio ffmpeg can read (retrying will not
/// help); Unavailable when ffmpeg is missing, was killed or took too long.
Result<std::vector<AudioPiece>> split_audio(const AudioSplit& request);

struct SpeechToText {
    std::string url;      // LIVE_TRANSCRIBE_URL: the API's base, e.g. https://api.openai.com/v1
    std::string api_key;  // LIVE_TRANSCRIBE_API_KEY: sent as a bearer token (none when empty)
    std::string model = "whisper-1";
    std::chrono::seconds timeout{600};  // one piece, sent and transcribed
};

struct PieceTranscript {
    std::string language;                             // ISO 639-1 ("" when the service named none we know)
    std::vector<domain::TranscriptSegment> segments;  // times within the piece
};

/// Transcribes one piece. `language` (ISO 639-1, may be empty) tells the service what is spoken;
/// `prompt` is the end of the previous piece's text, so that a sentence cut in two reads on.
/// Errors: Invalid (permanent) when the service refuses the piece itself (400, 413, 415, 422);
/// Unavailable otherwise (no answer, 5xx, 429, a refused key: fixing the service or the key helps).
Result<PieceTranscript> transcribe_piece(const HttpClient& http, const SpeechToText& service,
                                         const std::string& audio_path, std::string_view language,
                                         std::string_view prompt);

/// A multipart/form-data body (RFC 7578) of text fields and one file; returns the body, and sets
/// `boundary` to the boundary it used (random, and checked not to occur in the parts).
std::string multipart_body(const std::vector<std::pair<std::string, std::string>>& fields,
                           const std::string& file_field, const std::string& file_name, const std::string& file_type,
                           const std::string& file_bytes, std::string& boundary);

}  // namespace lc::infra
