// Live updates over Server-Sent Events (GET /api/events or a campaign's stream), reconnecting
// after a cut; returns a function that closes the stream.

export function live(url, handlers) {
  let source = null;
  let closed = false;
  const open = () => {
    source = new EventSource(url);
    for (const [name, fn] of Object.entries(handlers)) {
      source.addEventListener(name, (e) => {
        try {
          fn(JSON.parse(e.data));
        } catch {
          /* a malformed event is skipped */
        }
      });
    }
    source.onerror = () => {
      if (closed) return;
      source.close();
      setTimeout(() => !closed && open(), 2000);
    };
  };
  open();
  return () => {
    closed = true;
    if (source) source.close();
  };
}

/** Success rate of finished contacts, as a percentage. */
export function successRate(c) {
  return c.completed ? `${Math.round((100 * c.successful) / c.completed)}%` : '–';
}
