import { h, setText } from '../dom';
import { errorLine, heading } from './common';
import type { Screen } from './common';
import { clock } from '../format';
import { languageName, LEVEL_NAMES } from '../languages';
import { describeError } from '../messages';
import type { QueuedWait } from '../storage';

export interface WaitingProps {
  wait: QueuedWait;
  onCancel(): Promise<void>;
}

export function renderWaiting(root: HTMLElement, p: WaitingProps): Screen {
  const error = errorLine();
  const elapsed = h('span', { class: 'elapsed', id: 'wait-elapsed' }, '0:00');
  const cancel = h('button', { type: 'button', id: 'cancel-wait' }, 'Cancel');
  cancel.addEventListener('click', () => {
    cancel.disabled = true;
    p.onCancel().catch((e: unknown) => {
      cancel.disabled = false;
      error.show(describeError(e));
    });
  });
  root.append(
    h(
      'section',
      { class: 'card center', 'aria-busy': 'true' },
      heading('Looking for a partner'),
      h('div', { class: 'spinner', 'aria-hidden': 'true' }),
      h('p', { class: 'lead' }, `${languageName(p.wait.language)} · ${p.wait.level} ${LEVEL_NAMES[p.wait.level]}`),
      h('p', { role: 'timer', 'aria-label': 'Time waiting' }, 'Waiting ', elapsed),
      h('p', { class: 'hint' }, 'We’ll connect you as soon as a learner at your level is free. Keep this page open.'),
      cancel,
      error.el,
    ),
  );
  const tick = () => setText(elapsed, clock((Date.now() - p.wait.since) / 1000));
  tick();
  return { tick };
}
