import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/** What Apollo's page says when its CDN cannot be reached; our link goes right after it. */
const OFFLINE_NOTICE = /(cannot be loaded; it appears that you might be offline\.<\/p>)/;

/** Shown with Apollo's offline notice (the Sandbox iframe covers it once it loads). */
export const OFFLINE_LINK =
  '<p id="offline-graphiql">Offline? <a href="/graphiql">GraphiQL</a> runs from this gateway with no CDN, subscriptions included.</p>';

/**
 * Until Sandbox loads, its container is an empty layer over the whole page that takes every click;
 * while it is empty, clicks go through to the notice below. Apollo's page allows only styles with
 * its nonce.
 */
function clickThroughStyle(html: string): string {
  const nonce = /<style nonce=("?)([\w+/=-]+)\1>/.exec(html)?.[2];
  return nonce ? `<style nonce="${nonce}">#embeddableSandbox:empty { pointer-events: none; }</style>` : '';
}

/** Apollo's page with the link to the offline GraphiQL: after the offline notice, or at the end of the page if that is not found. */
export function withOfflineLink(html: string): string {
  const addition = `${OFFLINE_LINK}${clickThroughStyle(html)}`;
  if (OFFLINE_NOTICE.test(html)) return html.replace(OFFLINE_NOTICE, `$1\n  ${addition}`);
  return html.replace(/<\/body>/, `${addition}\n</body>`);
}

/**
 * Apollo Sandbox embedded on GET /graphql for browsers, as Apollo's local default renders it (it
 * loads from Apollo's CDN), with a link to /graphiql for when that CDN cannot be reached.
 */
export function sandboxLandingPage(): ApolloServerPlugin<BaseContext> {
  const apollo = ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false, footer: false });
  return {
    async serverWillStart(service) {
      const listener = await apollo.serverWillStart?.(service);
      if (!listener?.renderLandingPage) return listener;
      const render = listener.renderLandingPage.bind(listener);
      return {
        ...listener,
        async renderLandingPage() {
          const { html } = await render();
          return { html: async () => withOfflineLink(typeof html === 'string' ? html : await html()) };
        },
      };
    },
  };
}
