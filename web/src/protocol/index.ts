// The protocol client: REST + WebSocket, typed, no DOM. See docs/web-client.md.
export * from './types';
export * from './api';
export * from './socket';
export * from './jwt';
