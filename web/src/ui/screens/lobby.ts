import type { ConversationApi, Topic } from '../../protocol';
import { CEFR_LEVELS, isCefrLevel } from '../../protocol';
import { h, clear, setText } from '../dom';
import { errorLine, heading } from './common';
import type { Screen } from './common';
import { LANGUAGES, LEVEL_NAMES } from '../languages';
import { describeError } from '../messages';
import type { Prefs } from '../storage';

export interface LobbyProps {
  api: ConversationApi;
  userId: string;
  prefs: Prefs;
  notice: string | null;
  /** a neutral note (not an error), e.g. after cancelling */
  info?: string | null;
  onJoin(prefs: Prefs): Promise<void>;
  onHistory(): void;
  onSignOut(): void;
}

export function renderLobby(root: HTMLElement, p: LobbyProps): Screen {
  const error = errorLine();
  if (p.notice) error.show(p.notice);
  const info = h('p', { class: 'notice', id: 'lobby-info', role: 'status', hidden: !p.info }, p.info ?? '');

  const language = h(
    'select',
    { id: 'lobby-language', name: 'language' },
    LANGUAGES.map((l) => h('option', { value: l.code }, l.native === l.name ? l.name : `${l.name} — ${l.native}`)),
  );
  if (!LANGUAGES.some((l) => l.code === p.prefs.language))
    language.append(h('option', { value: p.prefs.language }, p.prefs.language));
  language.value = p.prefs.language;

  const level = h(
    'select',
    { id: 'lobby-level', name: 'level' },
    CEFR_LEVELS.map((l) => h('option', { value: l }, `${l} — ${LEVEL_NAMES[l]}`)),
  );
  level.value = p.prefs.level;

  const topic = h('select', { id: 'lobby-topic', name: 'topic', 'aria-describedby': 'lobby-topic-desc' });
  const topicDesc = h('p', { id: 'lobby-topic-desc', class: 'hint' });
  let topics: Topic[] = [];
  let wanted = p.prefs.topicId;
  let loadSeq = 0;

  const describeTopic = () => {
    const t = topics.find((x) => x.id === topic.value);
    setText(topicDesc, t ? `${t.description} (about ${t.estimatedDurationMinutes} min)` : 'Your partner’s choice, or one we suggest.');
  };
  const loadTopics = async () => {
    const seq = ++loadSeq;
    clear(topic);
    topic.append(h('option', { value: '' }, 'Any topic'));
    topic.disabled = true;
    try {
      const page = await p.api.topics({ language: language.value, level: level.value, limit: 50 });
      if (seq !== loadSeq) return;
      topics = page.items;
      for (const t of topics) topic.append(h('option', { value: t.id }, t.title));
      topic.value = topics.some((t) => t.id === wanted) ? wanted : '';
    } catch (e) {
      if (seq === loadSeq) error.show(describeError(e));
    } finally {
      if (seq === loadSeq) topic.disabled = false;
      describeTopic();
    }
  };
  language.addEventListener('change', () => void loadTopics());
  level.addEventListener('change', () => void loadTopics());
  topic.addEventListener('change', () => {
    wanted = topic.value;
    describeTopic();
  });

  const join = h('button', { type: 'submit', class: 'primary', id: 'join' }, 'Find a partner');
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('label', { for: 'lobby-language' }, 'Language you are practising'),
    language,
    h('label', { for: 'lobby-level' }, 'Your level'),
    level,
    h('label', { for: 'lobby-topic' }, 'Topic (optional)'),
    topic,
    topicDesc,
    join,
    h('p', { class: 'hint' }, 'Your microphone is used for the call, and the conversation is recorded for your feedback.'),
    error.el,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!isCefrLevel(level.value)) return;
    error.clear();
    join.disabled = true;
    setText(join, 'Starting…');
    p.onJoin({ language: language.value, level: level.value, topicId: topic.value }).catch((e: unknown) => {
      join.disabled = false;
      setText(join, 'Find a partner');
      error.show(describeError(e));
    });
  });

  root.append(
    h(
      'section',
      { class: 'card' },
      heading('Practise speaking'),
      h('p', { class: 'hint' }, 'Signed in as ', h('strong', null, p.userId)),
      info,
      form,
    ),
    h(
      'nav',
      { class: 'row', 'aria-label': 'More' },
      h('button', { type: 'button', onclick: () => p.onHistory() }, 'Past conversations'),
      h('button', { type: 'button', class: 'quiet', onclick: () => p.onSignOut() }, 'Sign out'),
    ),
  );
  void loadTopics();
  return {};
}
