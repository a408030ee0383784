#pragma once
// RFC 4180 CSV for reports that open in Excel: UTF-8 with a byte-order mark (so Turkish letters show
// right), CRLF line ends, fields quoted when they hold a comma, quote, CR or LF (quotes doubled).
#include <string>
#include <vector>

namespace lc::http {

/// One field as RFC 4180 writes it. A text cell starting with = + - @ (or a tab/CR) would run as a
/// formula in a spreadsheet (CSV injection, OWASP): it is prefixed with an apostrophe.
std::string csv_field(const std::string& value);

/// A whole document: BOM, the header row, then the rows; every line ends with CRLF.
std::string csv_document(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

}  // namespace lc::http
