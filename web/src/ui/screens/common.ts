import { h, setText } from '../dom';

/** A heading that receives focus when its screen opens (keyboard and screen-reader users
 *  land on the new content, not on a control that vanished). */
export function heading(text: string, level: 'h1' | 'h2' = 'h1'): HTMLHeadingElement {
  return h(level, { tabIndex: -1, class: 'screen-title' }, text);
}

/** An error line announced as soon as it is filled. */
export interface ErrorLine {
  el: HTMLParagraphElement;
  show(text: string): void;
  clear(): void;
}

export function errorLine(): ErrorLine {
  const el = h('p', { class: 'error', role: 'alert', hidden: true });
  return {
    el,
    show(text: string) {
      setText(el, text);
      el.hidden = false;
    },
    clear() {
      setText(el, '');
      el.hidden = true;
    },
  };
}

export interface Screen {
  /** called every second while the screen is shown (timers) */
  tick?(): void;
  /** called when state changed */
  update?(): void;
  dispose?(): void;
}
