#pragma once
// docs/openapi.json, compiled into the binary so /openapi.json always matches the build.
#include <string_view>

namespace conv::transport {
std::string_view openapi_document();
}
