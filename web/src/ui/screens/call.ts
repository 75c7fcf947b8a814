import type { CallSession } from '../../call/call-session';
import { h, setText } from '../dom';
import { errorLine, heading } from './common';
import type { Screen } from './common';
import { clock } from '../format';
import { languageName, LEVEL_NAMES } from '../languages';
import { describeError, REPORT_REASONS } from '../messages';

export interface CallProps {
  call: CallSession;
  remoteAudio: HTMLAudioElement;
  socketOnline: () => boolean;
  onEnd(): Promise<void>;
  onReport(reason: string, details: string): Promise<void>;
}

const CONNECTION_WORDS: Record<RTCPeerConnectionState, string> = {
  new: 'Connecting to your partner…',
  connecting: 'Connecting to your partner…',
  connected: 'Connected',
  disconnected: 'Connection interrupted — trying to reconnect…',
  failed: 'Connection lost — trying again…',
  closed: 'Call closed',
};

const QUALITY_WORDS = { unknown: 'Checking…', good: 'Good', fair: 'Fair', poor: 'Poor' } as const;

export function renderCall(root: HTMLElement, p: CallProps): Screen {
  const live = p.call.live;
  const error = errorLine();
  const partnerName = live.partner.userId;
  const levelText = live.partner.level ? `${live.partner.level} ${LEVEL_NAMES[live.partner.level]}` : '';

  const state = h('p', { class: 'conn-state', id: 'call-state', role: 'status' }, CONNECTION_WORDS.new);
  const timer = h('span', { class: 'timer', id: 'call-timer', role: 'timer', 'aria-label': 'Conversation time' }, '0:00');
  const qualityBars = h('span', { class: 'bars', 'aria-hidden': 'true' }, h('i'), h('i'), h('i'));
  const qualityText = h('span', { id: 'call-quality-text' }, QUALITY_WORDS.unknown);
  const quality = h('span', { class: 'quality q-unknown', id: 'call-quality' }, qualityBars, 'Line: ', qualityText);
  const recording = h('span', { class: 'rec', id: 'call-rec', hidden: true }, h('span', { class: 'dot', 'aria-hidden': 'true' }), 'Recording');
  const partnerOffline = h(
    'p',
    { class: 'notice warn', id: 'partner-offline', role: 'alert', hidden: true },
    `${partnerName} lost their connection. Waiting for them to come back…`,
  );
  const serviceOffline = h(
    'p',
    { class: 'notice', id: 'service-offline', role: 'status', hidden: true },
    'Reconnecting to the service… your call carries on.',
  );
  const sound = h('button', { type: 'button', class: 'primary', id: 'enable-sound', hidden: true }, 'Turn on sound');
  sound.addEventListener('click', () => void p.call.enableSound());

  const mute = h('button', { type: 'button', id: 'mute', 'aria-pressed': 'false' }, 'Mute microphone');
  mute.addEventListener('click', () => p.call.setMuted(!p.call.snapshot().muted));

  const end = h('button', { type: 'button', class: 'danger', id: 'end-call' }, 'End conversation');
  end.addEventListener('click', () => {
    end.disabled = true;
    setText(end, 'Ending…');
    p.onEnd().catch((e: unknown) => {
      end.disabled = false;
      setText(end, 'End conversation');
      error.show(describeError(e));
    });
  });

  // Report: a modal <dialog> (focus is trapped in it and Escape closes it, natively).
  const reason = h(
    'select',
    { id: 'report-reason', name: 'reason', required: true },
    h('option', { value: '' }, 'Choose a reason'),
    REPORT_REASONS.map((r) => h('option', { value: r.value }, r.label)),
  );
  const details = h('textarea', { id: 'report-details', name: 'details', rows: 3, maxLength: 2000 });
  const reportError = errorLine();
  const sendReport = h('button', { type: 'submit', class: 'danger', id: 'send-report' }, 'Report and leave');
  const dialog = h(
    'dialog',
    { class: 'report', 'aria-labelledby': 'report-title' },
    h(
      'form',
      { class: 'stack', novalidate: true },
      h('h2', { id: 'report-title' }, `Report ${partnerName}`),
      h('p', { class: 'hint' }, 'Reporting ends this conversation. Our team reviews every report.'),
      h('label', { for: 'report-reason' }, 'What happened?'),
      reason,
      h('label', { for: 'report-details' }, 'Details (optional)'),
      details,
      reportError.el,
      h(
        'div',
        { class: 'row' },
        sendReport,
        h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'),
      ),
    ),
  );
  const reportForm = dialog.querySelector('form') as HTMLFormElement;
  reason.addEventListener('change', () => reason.value && reportError.clear());
  reportForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!reason.value) {
      reportError.show('Please choose a reason.');
      reason.focus();
      return;
    }
    reportError.clear();
    sendReport.disabled = true;
    p.onReport(reason.value, details.value.trim()).then(
      () => dialog.open && dialog.close(),
      (e: unknown) => {
        sendReport.disabled = false;
        reportError.show(describeError(e));
      },
    );
  });
  const report = h('button', { type: 'button', class: 'quiet', id: 'report' }, 'Report a problem');
  report.addEventListener('click', () => {
    reportError.clear();
    dialog.showModal();
    reason.focus();
  });

  const topic = live.topic;
  const topicSection = topic
    ? h(
        'section',
        { class: 'card topic', 'aria-labelledby': 'topic-title' },
        h('p', { class: 'eyebrow' }, 'Topic'),
        h('h2', { id: 'topic-title' }, topic.title),
        topic.description ? h('p', null, topic.description) : null,
        topic.promptQuestions.length
          ? [
              h('h3', null, 'Questions to talk about'),
              h('ol', { class: 'prompts' }, topic.promptQuestions.map((q) => h('li', null, q))),
            ]
          : null,
      )
    : h(
        'section',
        { class: 'card topic' },
        h('p', { class: 'eyebrow' }, 'Topic'),
        h('h2', null, 'Free conversation'),
        h('p', null, 'Introduce yourselves, then talk about anything you like.'),
      );

  root.append(
    h(
      'section',
      { class: 'card call-head' },
      heading(`Talking with ${partnerName}`),
      h('p', { class: 'hint' }, `${languageName(live.language)}${levelText ? ` · partner’s level ${levelText}` : ''}`),
      state,
      h('div', { class: 'call-meta' }, timer, quality, recording),
      partnerOffline,
      serviceOffline,
      sound,
    ),
    topicSection,
    h('div', { class: 'controls' }, mute, end, report),
    error.el,
    dialog,
    p.remoteAudio,
  );

  const update = () => {
    const s = p.call.snapshot();
    setText(state, s.connection === 'connected' && s.startedAtMs === null ? 'Connected — starting…' : CONNECTION_WORDS[s.connection]);
    state.dataset['state'] = s.connection;
    partnerOffline.hidden = s.partnerOnline;
    serviceOffline.hidden = p.socketOnline();
    sound.hidden = !s.soundBlocked;
    recording.hidden = !s.recording;
    mute.setAttribute('aria-pressed', String(s.muted));
    setText(mute, s.muted ? 'Unmute microphone' : 'Mute microphone');
    mute.disabled = !s.hasMicrophone;
    const q = s.quality;
    const level = s.connection === 'connected' && q ? q.level : 'unknown';
    quality.className = `quality q-${level}`;
    const numbers = q && q.rttMs !== null ? ` (${q.rttMs} ms${q.lossPercent !== null ? `, ${q.lossPercent}% lost` : ''})` : '';
    setText(qualityText, QUALITY_WORDS[level] + (level === 'unknown' ? '' : numbers));
    tick();
  };
  const tick = () => {
    const s = p.call.snapshot();
    setText(timer, s.startedAtMs === null ? '0:00' : clock((Date.now() - s.startedAtMs) / 1000));
  };
  update();
  return {
    update,
    tick,
    dispose: () => {
      if (dialog.open) dialog.close();
    },
  };
}
