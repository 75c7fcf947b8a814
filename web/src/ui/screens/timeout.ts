import { h } from '../dom';
import { errorLine, heading } from './common';
import type { Screen } from './common';
import { languageName } from '../languages';
import { describeError } from '../messages';
import type { QueuedWait } from '../storage';

export interface TimeoutProps {
  wait: QueuedWait;
  onRetry(): Promise<void>;
  onBack(): void;
}

export function renderTimeout(root: HTMLElement, p: TimeoutProps): Screen {
  const error = errorLine();
  const retry = h('button', { type: 'button', class: 'primary', id: 'retry' }, 'Try again');
  retry.addEventListener('click', () => {
    retry.disabled = true;
    p.onRetry().catch((e: unknown) => {
      retry.disabled = false;
      error.show(describeError(e));
    });
  });
  root.append(
    h(
      'section',
      { class: 'card center' },
      heading('No partner free right now'),
      h(
        'p',
        { class: 'lead' },
        `Nobody practising ${languageName(p.wait.language)} near level ${p.wait.level} was free in time.`,
      ),
      h('p', { class: 'hint' }, 'Try again now, or at a busier time of day.'),
      h('div', { class: 'row' }, retry, h('button', { type: 'button', onclick: () => p.onBack() }, 'Change language or level')),
      error.el,
    ),
  );
  return {};
}
