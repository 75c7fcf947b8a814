import type { ConversationApi, ConversationSession, Topic } from '../../protocol';
import { h, setText } from '../dom';
import { errorLine, heading } from './common';
import type { Screen } from './common';
import { dateTime, duration } from '../format';
import { languageName } from '../languages';
import { describeError, historyOutcome } from '../messages';

export interface HistoryProps {
  api: ConversationApi;
  userId: string;
  onBack(): void;
}

export function renderHistory(root: HTMLElement, p: HistoryProps): Screen {
  const error = errorLine();
  const list = h('ul', { class: 'history', id: 'history-list', 'aria-busy': 'true' });
  const empty = h('p', { class: 'hint', hidden: true }, 'No conversations yet. Your past conversations will show here.');
  const more = h('button', { type: 'button', hidden: true }, 'Show more');
  const topics = new Map<string, Promise<Topic | null>>();
  const blobUrls: string[] = [];
  let cursor: string | null = null;
  let disposed = false;

  const topicOf = (id: string | null): Promise<Topic | null> => {
    if (!id) return Promise.resolve(null);
    let t = topics.get(id);
    if (!t) {
      t = p.api.topic(id).catch(() => null);
      topics.set(id, t);
    }
    return t;
  };

  const item = (s: ConversationSession): HTMLLIElement => {
    const partner = s.participant1Id === p.userId ? s.participant2Id : s.participant1Id;
    const title = h('h2', null, s.topicId ? 'Loading topic…' : 'Free conversation');
    void topicOf(s.topicId).then((t) => setText(title, t ? t.title : s.topicId ? 'Topic no longer available' : 'Free conversation'));
    const player = h('div', { class: 'player' });
    let play: HTMLButtonElement | null = null;
    if (s.audioRecordingUrl) {
      play = h('button', { type: 'button', class: 'play', 'aria-describedby': `when-${s.id}` }, 'Play recording');
      const btn = play;
      btn.addEventListener('click', async () => {
        btn.disabled = true;
        setText(btn, 'Loading recording…');
        try {
          const blob = await p.api.downloadAudio(s.id);
          if (disposed) return;
          const url = URL.createObjectURL(blob);
          blobUrls.push(url);
          const audio = h('audio', { controls: true, src: url, preload: 'metadata', 'aria-label': 'Recording' });
          btn.replaceWith(audio);
          void audio.play().catch(() => {});
          audio.focus();
        } catch (e) {
          btn.disabled = false;
          setText(btn, 'Play recording');
          error.show(describeError(e));
        }
      });
      player.append(btn);
    }
    return h(
      'li',
      { class: `card session status-${s.status}`, 'data-session-id': s.id },
      title,
      h(
        'p',
        { class: 'hint', id: `when-${s.id}` },
        `${dateTime(s.startedAt ?? s.createdAt)} · ${languageName(s.targetLanguageCode)} · with ${partner}`,
      ),
      h(
        'p',
        { class: 'result' },
        h('span', { class: `badge b-${s.status}` }, historyOutcome(s.status, s.endReason)),
        s.actualDurationSeconds > 0 ? ` · ${duration(s.actualDurationSeconds)}` : '',
        s.audioRecordingUrl ? '' : ' · no recording',
      ),
      player,
    );
  };

  const load = async () => {
    more.disabled = true;
    try {
      const q: { limit: number; cursor?: string } = { limit: 20 };
      if (cursor) q.cursor = cursor;
      const page = await p.api.sessions(q);
      if (disposed) return;
      for (const s of page.items) list.append(item(s));
      cursor = page.nextCursor;
      more.hidden = !cursor;
      empty.hidden = list.childElementCount > 0;
    } catch (e) {
      error.show(describeError(e));
    } finally {
      more.disabled = false;
      list.setAttribute('aria-busy', 'false');
    }
  };
  more.addEventListener('click', () => void load());

  root.append(
    h(
      'section',
      { class: 'stack' },
      h('div', { class: 'row spread' }, heading('Past conversations'), h('button', { type: 'button', id: 'history-back', onclick: () => p.onBack() }, 'Back')),
      error.el,
      empty,
      list,
      more,
    ),
  );
  void load();
  return {
    dispose: () => {
      disposed = true;
      for (const u of blobUrls) URL.revokeObjectURL(u);
    },
  };
}
