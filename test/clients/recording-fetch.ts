/** The method and Content-Type of each request a client sent: it watches, and changes nothing. */
export interface SentRequest {
  method: string;
  contentType: string | null;
}

/** `fetch` as the client would use it on its own, recording what it sends. */
export function recordingFetch(): { fetch: typeof fetch; sent: SentRequest[]; bodies: string[] } {
  const sent: SentRequest[] = [];
  /** The text bodies sent, in order. */
  const bodies: string[] = [];
  return {
    sent,
    bodies,
    fetch: (input, init) => {
      const request = new Request(input, init);
      sent.push({ method: request.method, contentType: request.headers.get('content-type') });
      if (typeof init?.body === 'string') bodies.push(init.body);
      return fetch(request);
    },
  };
}
