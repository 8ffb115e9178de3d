/**
 * What antd needs from a browser that jsdom leaves out (the web project of jest.config.js loads this before each
 * test file): media queries (antd's responsive grid asks), computed styles without the pseudo-element jsdom refuses,
 * an observer of sizes, a message channel, and the random ids the API client sends as Idempotency-Key; and, for
 * antd, a longer timeout per test and no act() warnings.
 */
import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';

Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  }),
});

const computed = window.getComputedStyle.bind(window);
window.getComputedStyle = (element: Element) => computed(element);

if (!('ResizeObserver' in window)) {
  class ResizeObserver {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  Object.defineProperty(window, 'ResizeObserver', { writable: true, value: ResizeObserver });
}

if (!globalThis.crypto?.randomUUID) {
  Object.defineProperty(globalThis, 'crypto', { value: { ...globalThis.crypto, randomUUID } });
}

// antd's forms batch their updates through a MessageChannel, which jsdom has not: one that posts on a timer
if (!('MessageChannel' in globalThis)) {
  class Port {
    onmessage: ((e: { data: unknown }) => void) | null = null;
    other: Port | null = null;
    postMessage(data: unknown) {
      setTimeout(() => this.other?.onmessage?.({ data }), 0);
    }
    close() {}
  }
  class MessageChannel {
    port1 = new Port();
    port2 = new Port();
    constructor() {
      this.port1.other = this.port2;
      this.port2.other = this.port1;
    }
  }
  Object.defineProperty(globalThis, 'MessageChannel', { writable: true, value: MessageChannel });
}

// antd renders slowly in jsdom: a form driven click by click takes seconds
jest.setTimeout(30_000);

// antd validates and animates after the event that caused it, outside the act() that user-event wraps events in:
// React's warning about that says nothing about the form under test, every other console error still shows
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('not wrapped in act(')) return;
  consoleError(...args);
};
