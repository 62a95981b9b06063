/** The method and Content-Type of each request a client sent: it watches, and changes nothing. */
export interface SentRequest {
  method: string;
  contentType: string | null;
}

/** `fetch` as the client would use it on its own, recording what it sends. */
export function recordingFetch(): { fetch: typeof fetch; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  return {
    sent,
    fetch: (input, init) => {
      const request = new Request(input, init);
      sent.push({ method: request.method, contentType: request.headers.get('content-type') });
      return fetch(request);
    },
  };
}
