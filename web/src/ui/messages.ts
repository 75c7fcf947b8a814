// Every error code of the contract, and every way a conversation can end, in words a learner
// understands. `Record<…>` over the code unions: adding a code to the protocol without a
// sentence here fails the type check.

import { isApiError } from '../protocol';
import type { EndReason, ErrorCode, ErrorDetail } from '../protocol';

export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Something in your choices isn’t right. Please check them and try again.',
  MALFORMED_JSON: 'The page sent something the service couldn’t read. Please reload the page.',
  UNAUTHORIZED: 'Your sign-in has expired. Please sign in again.',
  FORBIDDEN: 'You’re not allowed to do that.',
  NOT_FOUND: 'We couldn’t find what you asked for.',
  TOPIC_NOT_FOUND: 'That topic isn’t available any more. Pick another one, or leave it open.',
  SESSION_NOT_FOUND: 'That conversation has ended, or it isn’t one of yours.',
  NOT_IN_QUEUE: 'You were no longer waiting for a partner.',
  ALREADY_IN_QUEUE: 'You’re already waiting for a partner.',
  ALREADY_IN_SESSION: 'You’re already in a conversation.',
  INVALID_STATE: 'That can’t be done at this point of the conversation.',
  AUDIO_ALREADY_UPLOADED: 'The recording of this conversation was already saved.',
  PAYLOAD_TOO_LARGE: 'The recording is too large to be saved.',
  UNSUPPORTED_MEDIA_TYPE: 'This browser recorded in a format that can’t be saved. Try another browser next time.',
  RATE_LIMITED: 'That was a lot at once. Please wait a few seconds and try again.',
  UNKNOWN_MESSAGE_TYPE: 'This page is out of date. Please reload it.',
  SERVICE_UNAVAILABLE: 'The service is having trouble right now. Please try again in a minute.',
  INTERNAL: 'Something went wrong on our side. Please try again.',
  NETWORK: 'You seem to be offline. Check your connection and try again.',
  TIMEOUT: 'The service took too long to answer. Please try again.',
  BAD_RESPONSE: 'The service answered in a way we didn’t expect. Please try again.',
};

export function errorMessage(code: string): string {
  return (ERROR_MESSAGES as Record<string, string>)[code] ?? ERROR_MESSAGES.INTERNAL;
}

const FIELD_NAMES: Record<string, string> = {
  targetLanguageCode: 'language',
  userLevel: 'level',
  preferredTopicId: 'topic',
  reason: 'reason',
  details: 'details',
  userId: 'name',
};

function detailText(d: ErrorDetail): string {
  return `${FIELD_NAMES[d.field] ?? d.field}: ${d.problem}`;
}

/** A sentence for any thrown value (ApiError or otherwise). */
export function describeError(e: unknown): string {
  if (isApiError(e)) {
    const base = errorMessage(e.code);
    if (e.code === 'VALIDATION_FAILED' && e.details.length)
      return `${base} (${e.details.map(detailText).join('; ')})`;
    return base;
  }
  if (e instanceof DOMException && (e.name === 'NotAllowedError' || e.name === 'SecurityError'))
    return MICROPHONE_BLOCKED;
  if (e instanceof DOMException && (e.name === 'NotFoundError' || e.name === 'OverconstrainedError'))
    return MICROPHONE_MISSING;
  return ERROR_MESSAGES.INTERNAL;
}

export const MICROPHONE_BLOCKED =
  'Your browser blocked the microphone. Allow microphone access for this site (the lock or camera icon in the address bar), then try again.';
export const MICROPHONE_MISSING = 'We couldn’t find a microphone. Plug one in, or try another device.';

export type Perspective = 'mine' | 'partner' | 'unknown';

export interface EndingText {
  title: string;
  explanation: string;
}

/**
 * How a conversation ended, for the outcome screen. `who` says whether this learner caused
 * it (ended or reported) — the words differ for the one who was left.
 */
export function endingText(status: 'completed' | 'cancelled', reason: EndReason | null, who: Perspective): EndingText {
  const title = status === 'completed' ? 'Conversation complete' : 'Conversation ended';
  switch (reason) {
    case 'completed':
      return {
        title,
        explanation:
          who === 'partner'
            ? 'Your partner ended the conversation. Well done — it counts towards your practice.'
            : 'Well done! This conversation counts towards your practice.',
      };
    case 'too_short':
      return {
        title,
        explanation:
          who === 'partner'
            ? 'Your partner ended the conversation very early, so it doesn’t count as a full conversation.'
            : 'The conversation was ended very early, so it doesn’t count as a full conversation.',
      };
    case 'connect_timeout':
      return {
        title: 'We couldn’t connect you',
        explanation: 'You and your partner couldn’t be connected in time. It’s often the network — please try again.',
      };
    case 'cancelled_by_user':
      return {
        title,
        explanation:
          who === 'mine'
            ? 'You left before the conversation started.'
            : 'Your partner left before the conversation started.',
      };
    case 'dropped':
      return {
        title,
        explanation:
          status === 'completed'
            ? 'The connection was lost, but you had talked long enough: it counts towards your practice.'
            : 'The connection was lost too early for the conversation to count.',
      };
    case 'max_duration':
      return { title, explanation: 'You reached the longest time a conversation can last. Great stamina!' };
    case 'reported':
      return {
        title,
        explanation:
          who === 'mine'
            ? 'Thank you for your report. Our team will look into it, and you won’t be matched with this partner again.'
            : 'The conversation was stopped after a report.',
      };
    case 'user_removed':
      return { title, explanation: 'The conversation was stopped because one of the accounts was closed.' };
    default:
      return { title, explanation: '' };
  }
}

/** Status and reason for a history entry, short. */
export function historyOutcome(status: string, reason: EndReason | null): string {
  if (status === 'waiting') return 'Connecting';
  if (status === 'active') return 'In progress';
  const short: Record<EndReason, string> = {
    completed: 'Completed',
    too_short: 'Too short to count',
    connect_timeout: 'Couldn’t connect',
    cancelled_by_user: 'Left before starting',
    dropped: status === 'completed' ? 'Completed (connection lost)' : 'Connection lost',
    max_duration: 'Completed (time limit)',
    reported: 'Stopped after a report',
    user_removed: 'Stopped (account closed)',
  };
  return reason ? short[reason] : status === 'completed' ? 'Completed' : 'Cancelled';
}

export const REPORT_REASONS: { value: string; label: string }[] = [
  { value: 'offensive', label: 'Rude or offensive language' },
  { value: 'harassment', label: 'Harassment or threats' },
  { value: 'inappropriate', label: 'Sexual or inappropriate content' },
  { value: 'spam', label: 'Spam or advertising' },
  { value: 'not_practising', label: 'Not practising the language' },
  { value: 'other', label: 'Something else' },
];
