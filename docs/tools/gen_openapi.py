"""Writes docs/openapi.json. The document is data; this script only keeps its many
references and repeated error responses consistent. Run it after changing the API:
    python3 docs/tools/gen_openapi.py
"""
import json
import pathlib

LEVEL = {"type": "string", "enum": ["A1", "A2", "B1", "B2", "C1", "C2"]}
LANG = {"type": "string", "pattern": "^[a-z]{2}(-[A-Z]{2})?$", "examples": ["en", "pt-BR"]}
TIME = {"type": "string", "format": "date-time"}
NTIME = {"type": ["string", "null"], "format": "date-time"}
NSTR = {"type": ["string", "null"]}
ID = {"type": "string", "maxLength": 128}
CODES = ["VALIDATION_FAILED", "MALFORMED_JSON", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND",
         "TOPIC_NOT_FOUND", "SESSION_NOT_FOUND", "NOT_IN_QUEUE", "ALREADY_IN_QUEUE",
         "ALREADY_IN_SESSION", "INVALID_STATE", "AUDIO_ALREADY_UPLOADED", "PAYLOAD_TOO_LARGE",
         "UNSUPPORTED_MEDIA_TYPE", "RATE_LIMITED", "UNKNOWN_MESSAGE_TYPE", "SERVICE_UNAVAILABLE",
         "INTERNAL"]
AUDIO_TYPES = ["audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg", "audio/wav"]


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema, description=None):
    body = {"content": {"application/json": {"schema": schema}}}
    if description:
        body["description"] = description
    return body


def ok(schema, description):
    return {"description": description, **json_body(schema)}


def errors(*statuses):
    return {str(s): {"$ref": f"#/components/responses/E{s}"} for s in statuses}


schemas = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "enum": CODES},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {
                    "type": "object", "required": ["field", "problem"],
                    "properties": {"field": {"type": "string"}, "problem": {"type": "string"}}}}}}}},
    "Topic": {
        "type": "object",
        "required": ["id", "targetLanguageCode", "level", "title", "description", "promptQuestions",
                     "category", "estimatedDurationMinutes", "isActive", "createdAt"],
        "properties": {
            "id": ID, "targetLanguageCode": LANG, "level": LEVEL,
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "description": {"type": "string", "maxLength": 2000},
            "promptQuestions": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 500}},
            "category": {"type": "string", "maxLength": 64},
            "estimatedDurationMinutes": {"type": "integer", "minimum": 1, "maximum": 60},
            "isActive": {"type": "boolean"}, "createdAt": TIME}},
    "TopicCreate": {
        "type": "object", "additionalProperties": False,
        "required": ["targetLanguageCode", "level", "title"],
        "properties": {
            "targetLanguageCode": LANG, "level": LEVEL,
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "description": {"type": "string", "maxLength": 2000},
            "promptQuestions": {"type": "array", "maxItems": 20, "items": {"type": "string", "minLength": 1, "maxLength": 500}},
            "category": {"type": "string", "maxLength": 64},
            "estimatedDurationMinutes": {"type": "integer", "minimum": 1, "maximum": 60},
            "isActive": {"type": "boolean"}}},
    "TopicPage": {"type": "object", "required": ["items", "nextCursor"], "properties": {
        "items": {"type": "array", "items": ref("Topic")}, "nextCursor": NSTR}},
    "MatchmakingRequest": {
        "type": "object",
        "required": ["id", "userId", "targetLanguageCode", "userLevel", "status", "createdAt", "expiresAt"],
        "properties": {
            "id": ID, "userId": ID, "learningProfileId": NSTR, "targetLanguageCode": LANG,
            "userLevel": LEVEL, "preferredTopicId": NSTR,
            "preferredDuration": {"type": ["integer", "null"], "minimum": 1, "maximum": 60},
            "status": {"type": "string", "enum": ["pending", "matched", "cancelled", "expired"]},
            "matchedWithUserId": NSTR, "sessionId": NSTR, "createdAt": TIME, "expiresAt": TIME,
            "version": {"type": "integer", "description": "compare-and-set token"}}},
    "JoinRequest": {
        "type": "object", "additionalProperties": False, "required": ["targetLanguageCode", "userLevel"],
        "properties": {"targetLanguageCode": LANG, "userLevel": LEVEL, "learningProfileId": ID,
                       "preferredTopicId": ID, "preferredDuration": {"type": "integer", "minimum": 1, "maximum": 60}}},
    "JoinPending": {"type": "object", "required": ["status", "request"], "properties": {
        "status": {"const": "pending"}, "request": ref("MatchmakingRequest")}},
    "JoinMatched": {"type": "object", "required": ["status", "request", "session", "isInitiator"], "properties": {
        "status": {"const": "matched"}, "request": ref("MatchmakingRequest"),
        "session": ref("ConversationSession"), "isInitiator": {"const": False}}},
    "LeaveResult": {"type": "object", "required": ["status", "request"], "properties": {
        "status": {"const": "cancelled"}, "request": ref("MatchmakingRequest")}},
    "ConversationSession": {
        "type": "object",
        "required": ["id", "targetLanguageCode", "participant1Id", "participant2Id", "status",
                     "scheduledAt", "actualDurationSeconds", "createdAt"],
        "properties": {
            "id": ID, "topicId": NSTR, "targetLanguageCode": LANG,
            "participant1Id": {**ID, "description": "the initiator: the user who waited"},
            "participant2Id": ID, "participant1Level": LEVEL, "participant2Level": LEVEL,
            "status": {"type": "string", "enum": ["waiting", "active", "completed", "cancelled"]},
            "scheduledAt": TIME, "startedAt": NTIME, "endedAt": NTIME,
            "actualDurationSeconds": {"type": "integer", "minimum": 0},
            "endReason": {"type": ["string", "null"], "enum": [
                None, "connect_timeout", "cancelled_by_user", "completed", "too_short", "dropped",
                "max_duration", "reported", "user_removed"]},
            "audioRecordingUrl": NSTR, "createdAt": TIME,
            "participant1Connected": {"type": "boolean"}, "participant2Connected": {"type": "boolean"},
            "version": {"type": "integer", "description": "compare-and-set token"}}},
    "SessionPage": {"type": "object", "required": ["items", "nextCursor"], "properties": {
        "items": {"type": "array", "items": ref("ConversationSession")}, "nextCursor": NSTR}},
    "ReportRequest": {"type": "object", "additionalProperties": False, "required": ["reason"], "properties": {
        "reason": {"type": "string", "minLength": 1, "maxLength": 200},
        "details": {"type": "string", "maxLength": 2000}}},
    "IceServers": {"type": "object", "required": ["iceServers", "ttlSeconds"], "properties": {
        "iceServers": {"type": "array", "items": {"type": "object", "required": ["urls"], "properties": {
            "urls": {"type": "array", "items": {"type": "string"}},
            "username": {"type": "string", "description": "<expiry unix seconds>:<user id>"},
            "credential": {"type": "string", "description": "base64(HMAC-SHA1(turn secret, username))"}}}},
        "ttlSeconds": {"type": "integer"}}},
    "Health": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}},
    "Readiness": {"type": "object", "required": ["status", "stores"], "properties": {
        "status": {"type": "string", "enum": ["ready", "unavailable"]},
        "stores": {"type": "object", "additionalProperties": {"type": "string", "enum": ["up", "down"]}}}},
    "DevTokenRequest": {"type": "object", "additionalProperties": False, "required": ["userId"], "properties": {
        "userId": ID, "roles": {"type": "array", "maxItems": 8, "items": {"type": "string"}}}},
    "DevToken": {"type": "object", "required": ["token", "expiresIn"], "properties": {
        "token": {"type": "string"}, "expiresIn": {"type": "integer"}}},
}

responses = {f"E{s}": {"description": d, **json_body(ref("Error"))} for s, d in [
    (400, "VALIDATION_FAILED (with details) or MALFORMED_JSON"),
    (401, "UNAUTHORIZED: missing, malformed, expired or wrongly signed token"),
    (403, "FORBIDDEN: authenticated, not allowed"),
    (404, "NOT_FOUND, TOPIC_NOT_FOUND, SESSION_NOT_FOUND (also for sessions the caller is not in) or NOT_IN_QUEUE"),
    (409, "ALREADY_IN_QUEUE, ALREADY_IN_SESSION, INVALID_STATE or AUDIO_ALREADY_UPLOADED"),
    (413, "PAYLOAD_TOO_LARGE"), (415, "UNSUPPORTED_MEDIA_TYPE"), (429, "RATE_LIMITED"),
    (503, "SERVICE_UNAVAILABLE: a backing store is down")]}

id_param = {"name": "id", "in": "path", "required": True, "schema": ID}
PUBLIC = []


def op(op_id, summary, responses_, body=None, params=None, security=None, description=None):
    o = {"operationId": op_id, "summary": summary, "responses": responses_}
    if body:
        o["requestBody"] = body
    if params:
        o["parameters"] = params
    if security is not None:
        o["security"] = security
    if description:
        o["description"] = description
    return o


paths = {
    "/healthz": {"get": op("getHealth", "Liveness", {"200": ok(ref("Health"), "alive")}, security=PUBLIC)},
    "/readyz": {"get": op("getReadiness", "Readiness: every configured backing store answers", {
        "200": ok(ref("Readiness"), "ready"), "503": ok(ref("Readiness"), "a store is down")}, security=PUBLIC)},
    "/metrics": {"get": op("getMetrics", "Prometheus metrics (text exposition format)", {
        "200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}, security=PUBLIC)},
    "/openapi.json": {"get": op("getOpenApi", "This document", {
        "200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}, security=PUBLIC)},
    "/dev/token": {"post": op("mintDevToken", "Mint a development token (only with CONV_DEV_AUTH=true; 404 otherwise)",
                              {"200": ok(ref("DevToken"), "an HS256 token valid 24 hours"), **errors(400, 404)},
                              body=json_body(ref("DevTokenRequest")), security=PUBLIC)},
    "/topics": {
        "get": op("listTopics", "Active topics, filtered, in pages", {"200": ok(ref("TopicPage"), "a page"), **errors(400, 401, 503)},
                  params=[{"name": "language", "in": "query", "schema": LANG},
                          {"name": "level", "in": "query", "schema": LEVEL},
                          {"name": "category", "in": "query", "schema": {"type": "string", "maxLength": 64}},
                          {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
                          {"name": "cursor", "in": "query", "schema": {"type": "string"}, "description": "nextCursor of the previous page"}]),
        "post": op("createTopic", "Create a topic (admin)", {"201": ok(ref("Topic"), "created"), **errors(400, 401, 403, 413, 503)},
                   body=json_body(ref("TopicCreate")))},
    "/topics/{id}": {
        "parameters": [id_param],
        "get": op("getTopic", "A topic", {"200": ok(ref("Topic"), "the topic"), **errors(401, 404, 503)}),
        "patch": op("updateTopic", "Change a topic (admin): only the fields given change", {
            "200": ok(ref("Topic"), "changed"), **errors(400, 401, 403, 404, 503)},
            body=json_body({"type": "object", "additionalProperties": False,
                            "properties": schemas["TopicCreate"]["properties"]})),
        "delete": op("deactivateTopic", "Deactivate a topic (admin)", {"204": {"description": "deactivated"}, **errors(401, 403, 404, 503)})},
    "/matchmaking/join": {"post": op("joinMatchmaking", "Ask for a partner", {
        "201": ok(ref("JoinMatched"), "matched at once with a waiting learner (who is the initiator)"),
        "202": ok(ref("JoinPending"), "waiting in the queue {language}:{level}"),
        **errors(400, 401, 409, 503)}, body=json_body(ref("JoinRequest")))},
    "/matchmaking/leave": {"post": op("leaveMatchmaking", "Cancel the pending request", {
        "200": ok(ref("LeaveResult"), "cancelled"), **errors(401, 404, 503)})},
    "/matchmaking/status": {"get": op("getMatchmakingStatus", "The caller's latest request", {
        "200": ok(ref("MatchmakingRequest"), "the latest request"), **errors(401, 404, 503)})},
    "/sessions": {"get": op("listSessions", "The caller's sessions, newest first", {
        "200": ok(ref("SessionPage"), "a page"), **errors(400, 401, 503)},
        params=[{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["waiting", "active", "completed", "cancelled"]}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
                {"name": "cursor", "in": "query", "schema": {"type": "string"}}])},
    "/sessions/{id}": {"parameters": [id_param], "get": op("getSession", "A session (participants and admins)", {
        "200": ok(ref("ConversationSession"), "the session"), **errors(401, 404, 503)})},
    "/sessions/{id}/end": {"parameters": [id_param], "post": op("endSession", "End the session (participants)", {
        "200": ok(ref("ConversationSession"), "ended: cancelled while waiting; completed or too_short while active"),
        **errors(401, 404, 409, 503)})},
    "/sessions/{id}/report": {"parameters": [id_param], "post": op(
        "reportSession", "Report the partner (participants)", {
            "200": ok(ref("ConversationSession"), "reported: a waiting or active session is cancelled; an ended one keeps its outcome"),
            **errors(400, 401, 404, 503)}, body=json_body(ref("ReportRequest")))},
    "/sessions/{id}/audio": {
        "parameters": [id_param],
        "put": op("uploadRecording", "Upload the recording (participants, while active or completed; once)", {
            "200": ok(ref("ConversationSession"), "stored; audioRecordingUrl is set"),
            **errors(401, 404, 409, 413, 415, 503)},
            body={"required": True, "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in AUDIO_TYPES}},
            description="The body is streamed to storage, never held whole in memory; at most CONV_AUDIO_MAX_BYTES."),
        "get": op("downloadRecording", "Download the recording (participants and admins)", {
            "200": {"description": "the recording", "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in AUDIO_TYPES}},
            **errors(401, 404, 503)})},
    "/ice-servers": {"get": op("getIceServers", "STUN and TURN servers with short-lived TURN credentials", {
        "200": ok(ref("IceServers"), "ICE servers"), **errors(401)})},
    "/ws": {"get": op("openWebSocket", "Upgrade to the WebSocket protocol (docs/websocket-protocol.md)", {
        "101": {"description": "switching protocols"}, **errors(401, 403)},
        params=[{"name": "access_token", "in": "query", "schema": {"type": "string"},
                 "description": "the JWT, for browsers that cannot set Authorization on a WebSocket"}])},
}

doc = {
    "openapi": "3.1.0",
    "info": {
        "title": "Conversation Service", "version": "1.0.0",
        "description": "Matchmaking, WebRTC signaling and session lifecycle for language learners. "
                       "Authenticate with `Authorization: Bearer <JWT>` (HS256 shared secret, or RS256/ES256 "
                       "from the platform's JWKS). The WebSocket protocol at /ws is described in "
                       "docs/websocket-protocol.md. Every error has the body {\"error\":{\"code\",\"message\",\"details\"?}}."},
    "servers": [{"url": "/"}],
    "security": [{"bearerAuth": []}],
    "paths": paths,
    "components": {
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        "schemas": schemas, "responses": responses},
}

out = pathlib.Path(__file__).resolve().parents[1] / "openapi.json"
out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
print(f"wrote {out}: {sum(len([m for m in v if m != 'parameters']) for v in paths.values())} operations")
