// Entry point of the learner's web client (bundled by web/build into assets/app-<hash>.js).
import './styles.css';
import { App } from './ui/app';

declare global {
  interface Window {
    /** A read-only handle for the end-to-end tests and for debugging in the console. */
    __conv?: {
      app: App;
      readonly pc: RTCPeerConnection | null;
      readonly state: Record<string, unknown>;
      dropSocket(): void;
    };
  }
}

const app = new App();
window.__conv = {
  app,
  get pc() {
    return app.call?.pc ?? null;
  },
  get state() {
    return app.debugState();
  },
  dropSocket() {
    app.socket?.dropForTest();
  },
};
app.start().catch((e: unknown) => {
  console.error('the page failed to start', e);
  const main = document.getElementById('main');
  if (main) main.textContent = 'Something went wrong while loading. Please reload the page.';
});
