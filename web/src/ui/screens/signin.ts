import { h } from '../dom';
import { errorLine, heading } from './common';
import type { Screen } from './common';
import { describeError } from '../messages';

export interface SignInProps {
  devAuth: boolean;
  notice: string | null;
  onDevSignIn(name: string): Promise<void>;
}

export function renderSignIn(root: HTMLElement, p: SignInProps): Screen {
  const error = errorLine();
  if (p.notice) error.show(p.notice);
  if (!p.devAuth) {
    root.append(
      h(
        'section',
        { class: 'card' },
        heading('Conversation practice'),
        h('p', null, 'Open this page from the learning app to start a conversation.'),
        h('p', { class: 'hint' }, 'Waiting for the app to sign you in…'),
        error.el,
      ),
    );
    return {};
  }
  const input = h('input', {
    id: 'signin-name',
    name: 'name',
    type: 'text',
    autocomplete: 'username',
    required: true,
    maxLength: 64,
    pattern: '[A-Za-z0-9_.@:\\|\\-]+',
    'aria-describedby': 'signin-hint',
  });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('label', { for: 'signin-name' }, 'Your name'),
    input,
    h('p', { id: 'signin-hint', class: 'hint' }, 'Letters, digits and - _ . @ only. Development sign-in: no password.'),
    button,
    error.el,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = input.value.trim();
    if (!name || !input.checkValidity()) {
      error.show('Please enter a name made of letters, digits and - _ . @ (no spaces).');
      input.focus();
      return;
    }
    error.clear();
    button.disabled = true;
    p.onDevSignIn(name).catch((e: unknown) => {
      button.disabled = false;
      error.show(describeError(e));
    });
  });
  root.append(
    h(
      'section',
      { class: 'card' },
      heading('Conversation practice'),
      h('p', null, 'Talk with another learner, live, at your level.'),
      form,
    ),
  );
  return {};
}
