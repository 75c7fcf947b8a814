// The Conversation Service's public data shapes: REST bodies and WebSocket messages.
// Source of truth: shared/contract.md, docs/openapi.json and docs/websocket-protocol.md.
// No DOM here: this folder is meant to be lifted as is into another client (React Native…).

export const CEFR_LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'] as const;
export type CefrLevel = (typeof CEFR_LEVELS)[number];

export function isCefrLevel(value: unknown): value is CefrLevel {
  return typeof value === 'string' && (CEFR_LEVELS as readonly string[]).includes(value);
}

/** RFC 3339 UTC with milliseconds, e.g. `2026-11-24T16:06:19.123Z`. */
export type Timestamp = string;

export interface Topic {
  id: string;
  targetLanguageCode: string;
  level: CefrLevel;
  title: string;
  description: string;
  promptQuestions: string[];
  category: string;
  estimatedDurationMinutes: number;
  isActive: boolean;
  createdAt: Timestamp;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type SessionStatus = 'waiting' | 'active' | 'completed' | 'cancelled';
export type EndReason =
  | 'connect_timeout'
  | 'cancelled_by_user'
  | 'completed'
  | 'too_short'
  | 'dropped'
  | 'max_duration'
  | 'reported'
  | 'user_removed';

export function isLive(status: SessionStatus): boolean {
  return status === 'waiting' || status === 'active';
}

export interface ConversationSession {
  id: string;
  topicId: string | null;
  targetLanguageCode: string;
  participant1Id: string;
  participant2Id: string;
  participant1Level?: CefrLevel;
  participant2Level?: CefrLevel;
  status: SessionStatus;
  scheduledAt: Timestamp;
  startedAt: Timestamp | null;
  endedAt: Timestamp | null;
  actualDurationSeconds: number;
  endReason: EndReason | null;
  audioRecordingUrl: string | null;
  createdAt: Timestamp;
  participant1Connected?: boolean;
  participant2Connected?: boolean;
  version?: number;
}

export type MatchmakingStatus = 'pending' | 'matched' | 'cancelled' | 'expired';

export interface MatchmakingRequest {
  id: string;
  userId: string;
  learningProfileId: string | null;
  targetLanguageCode: string;
  userLevel: CefrLevel;
  preferredTopicId: string | null;
  preferredDuration: number | null;
  status: MatchmakingStatus;
  matchedWithUserId: string | null;
  sessionId: string | null;
  createdAt: Timestamp;
  expiresAt: Timestamp;
  version?: number;
}

export interface JoinBody {
  targetLanguageCode: string;
  userLevel: CefrLevel;
  learningProfileId?: string;
  preferredTopicId?: string;
  /** minutes */
  preferredDuration?: number;
}

export type JoinResult =
  | { status: 'pending'; request: MatchmakingRequest }
  | { status: 'matched'; request: MatchmakingRequest; session: ConversationSession; isInitiator: boolean };

export interface LeaveResult {
  status: 'cancelled';
  request: MatchmakingRequest;
}

/** The shape of `RTCIceServer`, restated so this folder needs no DOM typings. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface IceServersResult {
  iceServers: IceServer[];
  ttlSeconds: number;
}

export interface ReportBody {
  reason: string;
  details?: string;
}

export interface DevTokenResult {
  token: string;
  expiresIn?: number;
}

/** Every machine code the service sends (REST and WebSocket). */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'TOPIC_NOT_FOUND',
  'SESSION_NOT_FOUND',
  'NOT_IN_QUEUE',
  'ALREADY_IN_QUEUE',
  'ALREADY_IN_SESSION',
  'INVALID_STATE',
  'AUDIO_ALREADY_UPLOADED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'RATE_LIMITED',
  'UNKNOWN_MESSAGE_TYPE',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ServiceErrorCode = (typeof ERROR_CODES)[number];
/** Codes the client makes up itself for failures that never reached the service. */
export type ClientErrorCode = 'NETWORK' | 'TIMEOUT' | 'BAD_RESPONSE';
export type ErrorCode = ServiceErrorCode | ClientErrorCode;

export interface ErrorDetail {
  field: string;
  problem: string;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

// ---------------------------------------------------------------------------------------------
// WebSocket /ws

/**
 * `pcId` and `forPcId` are this client's own additions, relayed untouched by the service (it
 * forwards the sender's bytes). They name the RTCPeerConnection that sent a description or a
 * candidate, so a peer that restarted (page reload) can be told apart from the old one and
 * late messages meant for an old connection are dropped. Clients that do not send them still
 * interoperate: the receiver then falls back to plain perfect negotiation.
 */
export interface SignalTag {
  pcId?: string;
  forPcId?: string;
}

export interface OfferMessage extends SignalTag {
  type: 'offer';
  sessionId: string;
  sdp: string;
}
export interface AnswerMessage extends SignalTag {
  type: 'answer';
  sessionId: string;
  sdp: string;
}
/** The shape of `RTCIceCandidate.toJSON()`. */
export interface IceCandidateJson {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}
export interface IceCandidateMessage extends SignalTag {
  type: 'ice-candidate';
  sessionId: string;
  /** null marks the end of candidates */
  candidate: IceCandidateJson | null;
}
export interface PeerConnectedMessage {
  type: 'peer-connected';
  sessionId: string;
}
export interface HeartbeatMessage {
  type: 'heartbeat';
  sessionId?: string;
}

export type SignalMessage = OfferMessage | AnswerMessage | IceCandidateMessage;
export type ClientMessage = SignalMessage | PeerConnectedMessage | HeartbeatMessage;

/** A relayed message as the partner receives it: the sender's id is put in `from`. */
export type Relayed<T> = T & { from: string };

export interface MatchFoundMessage {
  type: 'match-found';
  sessionId: string;
  isInitiator: boolean;
  partner: { userId: string; level: CefrLevel };
  topic: Topic | null;
  iceServers: IceServer[];
  ttlSeconds?: number;
}
export interface SessionStartedMessage {
  type: 'session-started';
  sessionId: string;
  startedAt: Timestamp;
}
export interface SessionEndedMessage {
  type: 'session-ended';
  sessionId: string;
  status: 'completed' | 'cancelled';
  endReason: EndReason;
  actualDurationSeconds: number;
}
export interface MatchTimeoutMessage {
  type: 'match-timeout';
  requestId: string;
  targetLanguageCode: string;
  userLevel: CefrLevel;
}
export interface PeerStatusMessage {
  type: 'peer-status';
  sessionId: string;
  userId: string;
  status: 'disconnected' | 'reconnected';
}
export interface FeedbackReadyMessage {
  type: 'feedback-ready';
  sessionId: string;
  feedback: Record<string, unknown>;
}
export interface HeartbeatAckMessage {
  type: 'heartbeat-ack';
  sessionId?: string;
}
export interface ErrorMessage {
  type: 'error';
  code: string;
  message: string;
}

export type ServerMessage =
  | MatchFoundMessage
  | Relayed<OfferMessage>
  | Relayed<AnswerMessage>
  | Relayed<IceCandidateMessage>
  | SessionStartedMessage
  | SessionEndedMessage
  | MatchTimeoutMessage
  | PeerStatusMessage
  | FeedbackReadyMessage
  | HeartbeatAckMessage
  | ErrorMessage;

export type ServerMessageType = ServerMessage['type'];

const SERVER_TYPES: ReadonlySet<string> = new Set<ServerMessageType>([
  'match-found',
  'offer',
  'answer',
  'ice-candidate',
  'session-started',
  'session-ended',
  'match-timeout',
  'peer-status',
  'feedback-ready',
  'heartbeat-ack',
  'error',
]);

/**
 * Parses one text frame. Returns null for anything that is not an object with a known `type`
 * (a newer server may add types: they are ignored, not fatal).
 */
export function parseServerMessage(text: string): ServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !SERVER_TYPES.has(type)) return null;
  return value as ServerMessage;
}
