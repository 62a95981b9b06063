// GraphiQL for this gateway, offline: queries and mutations over HTTP, subscriptions over
// graphql-ws on the same /graphql. React, ReactDOM, graphql-ws and GraphiQL are the UMD builds of
// the installed npm packages, loaded before this script (globals React, ReactDOM, graphqlWs, GraphiQL).
(function () {
  'use strict';

  // The token saved on /demo, if any: the same gateway, the same caller.
  var TOKEN_KEY = 'calendar-gateway.token';
  var token = (localStorage.getItem(TOKEN_KEY) || '').trim();
  var authorization = token ? 'Bearer ' + token : null;
  var url = new URL('/graphql', location.href).href;

  var DEFAULT_QUERY = [
    '# Calendar gateway: queries and mutations run over HTTP, subscriptions over WebSocket.',
    '# Run this, then rename a schedule (on /demo, or with updateSchedule in another tab)',
    '# and watch the event arrive.',
    '',
    'subscription LiveSchedules {',
    '  scheduleUpdated {',
    '    eventTime',
    '    cursor',
    '    schedule { id name revision status }',
    '  }',
    '}',
    '',
    'query SchedulesWithConnections {',
    '  connections {',
    '    connections {',
    '      id calendarType status externalAccountEmail',
    '      syncConfig { syncToCalendar { enabled target { __typename } } }',
    '      schedule { id name revision }',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');

  var wsClient = graphqlWs.createClient({
    url: url.replace(/^http/, 'ws'),
    connectionParams: function () {
      return authorization ? { authorization: authorization } : {};
    },
    retryAttempts: 5,
  });

  var fetcher = GraphiQL.createFetcher({
    url: url,
    wsClient: wsClient,
    headers: authorization ? { authorization: authorization } : undefined,
  });

  // ?query=…&variables=… open GraphiQL on a given operation (links from docs, tests).
  var params = new URLSearchParams(location.search);
  var props = {
    fetcher: fetcher,
    defaultQuery: DEFAULT_QUERY,
    defaultEditorToolsVisibility: false,
    shouldPersistHeaders: false,
  };
  if (params.has('query')) props.query = params.get('query');
  if (params.has('variables')) props.variables = params.get('variables');

  var logo = React.createElement(
    GraphiQL.Logo,
    null,
    React.createElement(
      'a',
      { className: 'graphiql-logo-link', href: '/demo', title: 'The live demo page' },
      'Calendar gateway · live demo',
    ),
  );
  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props, logo));
})();
