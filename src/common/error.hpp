#pragma once
// The one error vocabulary of the service. Each code maps one-to-one to a code of the
// public contract; the transport edge maps it to an HTTP status or a WebSocket `error`
// from one table (transport/error_mapping), nowhere else.
#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace conv {

enum class errc {
  validation_failed,
  malformed_json,
  unauthorized,
  forbidden,
  not_found,
  topic_not_found,
  session_not_found,
  not_in_queue,
  already_in_queue,
  already_in_session,
  invalid_state,
  audio_already_uploaded,
  payload_too_large,
  unsupported_media_type,
  rate_limited,
  unknown_message_type,
  service_unavailable,
  internal,
};

// The contract's machine code, e.g. "ALREADY_IN_QUEUE".
std::string_view code_name(errc code);

struct field_problem {
  std::string field;
  std::string problem;
};

struct error {
  errc code = errc::internal;
  std::string message;
  std::vector<field_problem> details;  // only for validation_failed
};

inline error make_error(errc code, std::string message) {
  return error{code, std::move(message), {}};
}

// Thrown only when .value() is called on a failed result: that is a bug, not a refusal.
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location& loc);

template <class T>
using result = boost::system::result<T, error>;

}  // namespace conv
