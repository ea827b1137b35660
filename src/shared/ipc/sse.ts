// Server-Sent Events framing (the WHATWG event-stream format) for the bridge: the server writes
// `event:` / `data:` frames, the client parses a byte stream back into (event, data) pairs. The
// client reads the stream with fetch, so the token travels in a header (EventSource cannot send one).

export interface SseMessage {
  event: string;
  data: string;
}

/** One frame; multi-line data becomes several `data:` lines, as the format requires. */
export function formatSseFrame(event: string, data: string): string {
  return `event: ${event}\n${data.split('\n').map((line) => `data: ${line}`).join('\n')}\n\n`;
}

/** A comment frame: keeps proxies and idle timeouts from closing a quiet stream. */
export const SSE_HEARTBEAT = ': ping\n\n';

/** Incremental parser: feed text chunks as they arrive; complete messages are passed to `onMessage`. */
export function createSseParser(onMessage: (message: SseMessage) => void): (chunk: string) => void {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  const dispatch = () => {
    if (data.length > 0) onMessage({ event: event || 'message', data: data.join('\n') });
    event = '';
    data = [];
  };
  return (chunk) => {
    buffer += chunk;
    let newline = buffer.search(/\r\n|\r|\n/);
    // A trailing \r may be the first half of \r\n split across chunks: wait for the next chunk.
    while (newline >= 0 && !(newline === buffer.length - 1 && buffer.endsWith('\r'))) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') dispatch();
      else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      newline = buffer.search(/\r\n|\r|\n/);
    }
  };
}
