import type { EndReason, Topic } from '../../protocol';
import { h, setText } from '../dom';
import { heading } from './common';
import type { Screen } from './common';
import { bytes, duration, spokenDuration } from '../format';
import { endingText } from '../messages';
import type { Perspective } from '../messages';

export interface Outcome {
  sessionId: string;
  status: 'completed' | 'cancelled';
  endReason: EndReason | null;
  actualDurationSeconds: number;
  partnerId: string | null;
  topic: Topic | null;
  who: Perspective;
}

export type UploadState =
  | { kind: 'none'; why: string }
  | { kind: 'uploading'; loaded: number; total: number }
  | { kind: 'saved'; byPartner: boolean }
  | { kind: 'failed'; message: string; canRetry: boolean };

export interface OutcomeProps {
  outcome: Outcome;
  upload: () => UploadState;
  onRetryUpload(): void;
  onAgain(): void;
  onHistory(): void;
}

export function renderOutcome(root: HTMLElement, p: OutcomeProps): Screen {
  const o = p.outcome;
  const text = endingText(o.status, o.endReason, o.who);
  const progress = h('progress', { id: 'upload-progress', max: 100, value: 0, 'aria-label': 'Saving the recording' });
  const uploadText = h('p', { id: 'upload-text' });
  const retry = h('button', { type: 'button', id: 'retry-upload', hidden: true }, 'Try saving again');
  retry.addEventListener('click', () => p.onRetryUpload());
  const upload = h(
    'section',
    { class: 'upload', id: 'upload', 'aria-live': 'polite' },
    h('h2', null, 'Recording'),
    progress,
    uploadText,
    retry,
  );
  const again = h('button', { type: 'button', class: 'primary', id: 'again' }, 'Find another partner');
  again.addEventListener('click', () => p.onAgain());

  root.append(
    h(
      'section',
      { class: `card outcome outcome-${o.status}`, id: 'outcome', 'data-status': o.status, 'data-reason': o.endReason ?? '' },
      heading(text.title),
      text.explanation ? h('p', { class: 'lead', id: 'outcome-text' }, text.explanation) : null,
      h(
        'dl',
        { class: 'facts' },
        h('dt', null, 'Result'),
        h('dd', { id: 'outcome-status' }, o.status === 'completed' ? 'Completed' : 'Cancelled'),
        // A conversation that never really started has no duration worth showing.
        o.status === 'completed' || o.actualDurationSeconds > 0
          ? [
              h('dt', null, 'Duration'),
              h('dd', { id: 'outcome-duration', 'aria-label': spokenDuration(o.actualDurationSeconds) }, duration(o.actualDurationSeconds)),
            ]
          : null,
        o.partnerId ? [h('dt', null, 'Partner'), h('dd', null, o.partnerId)] : null,
        h('dt', null, 'Topic'),
        h('dd', null, o.topic ? o.topic.title : 'Free conversation'),
      ),
      upload,
    ),
    h(
      'div',
      { class: 'row' },
      again,
      h('button', { type: 'button', onclick: () => p.onHistory() }, 'Past conversations'),
    ),
  );

  const update = () => {
    const u = p.upload();
    upload.dataset['state'] = u.kind;
    progress.hidden = u.kind !== 'uploading';
    retry.hidden = !(u.kind === 'failed' && u.canRetry);
    switch (u.kind) {
      case 'none':
        setText(uploadText, u.why);
        break;
      case 'uploading': {
        const pct = u.total > 0 ? Math.round((100 * u.loaded) / u.total) : 0;
        progress.value = pct;
        setText(uploadText, `Saving your recording… ${pct}% of ${bytes(u.total)}`);
        break;
      }
      case 'saved':
        setText(uploadText, u.byPartner ? 'Recording saved (your partner’s device sent it first). You can play it in Past conversations.' : 'Recording saved. You can play it in Past conversations.');
        break;
      case 'failed':
        setText(uploadText, `The recording couldn’t be saved. ${u.message}`);
        break;
    }
  };
  update();
  return { update };
}
