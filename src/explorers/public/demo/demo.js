// The live demo: schedules with their calendar connections, kept up to date by GraphQL
// subscriptions. Plain DOM, no framework, no build step. The GraphQL documents come from
// client/operations/*.graphql (served as /demo/operations.js).
import * as operations from '/demo/operations.js';

const TOKEN_KEY = 'calendar-gateway.token';
const HTTP_URL = new URL('/graphql', location.href).href;
const WS_URL = HTTP_URL.replace(/^http/, 'ws');
/** The three subscription fields, with the operation that subscribes to each. */
const TOPICS = {
  scheduleUpdated: { operation: operations.ScheduleUpdated, label: 'Updated', tag: 'Changed live' },
  scheduleCreated: { operation: operations.ScheduleCreated, label: 'Created', tag: 'New' },
  scheduleCancelled: { operation: operations.ScheduleCancelled, label: 'Cancelled', tag: 'Cancelled live' },
};
const FEED_LENGTH = 50;
/** A demo, not a directory: at most 10 pages of 50 schedules. */
const MAX_SCHEDULE_PAGES = 10;

/** Friendly titles for the `userErrors` codes a person is likely to meet here. */
const USER_ERROR_TITLES = {
  NOT_SUPPORTED_BY_PROVIDER: 'Not supported by this calendar provider',
  SCHEDULE_REVISION_MISMATCH: 'Someone else changed this schedule first',
  SCHEDULE_CANCELLED: 'This schedule is cancelled',
  INVALID_ARGUMENT: 'Please check the value',
  NOT_FOUND: 'It no longer exists',
  CONNECTION_NOT_CONNECTED: 'The calendar is not connected',
};
const CALENDARS = {
  GOOGLE: { label: 'Google', mark: 'G' },
  I_CAL: { label: 'Apple', mark: '' },
  MICROSOFT: { label: 'Microsoft', mark: 'M' },
  OUTLOOK: { label: 'Microsoft', mark: 'M' },
  OFFICE_365: { label: 'Microsoft', mark: 'M' },
};
const CONNECTION_STATUS = {
  SYNCED: 'Synced',
  SYNC_IN_PROGRESS: 'Syncing',
  CONNECTED: 'Connected',
  DISCONNECTED: 'Disconnected',
  ERROR: 'Error',
  UNDEFINED: 'Unknown',
};
const ERROR_REASONS = {
  TOKEN_REVOKED: 'access was revoked at the provider',
  EXTERNAL_CALENDAR_CREATION_FAILED: 'the dedicated calendar could not be created',
  EXTERNAL_CALENDAR_DELETED: 'the external calendar was deleted',
};
const EXPORT_CAPABILITY = {
  DEDICATED_CALENDAR: 'exports to a dedicated calendar only',
  PRIMARY_CALENDAR_ONLY: 'exports to the primary calendar only',
  SPECIFIC_CALENDAR: 'exports to a chosen calendar',
  NOT_SUPPORTED: 'cannot export events',
};
const TARGETS = [
  { key: 'primaryCalendar', typename: 'PrimaryCalendar', label: 'Primary calendar', short: 'Primary' },
  { key: 'dedicatedCalendar', typename: 'DedicatedCalendar', label: 'Dedicated calendar', short: 'Dedicated' },
];

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const clockTime = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

const state = {
  /** @type {Map<string, any>} schedule id → schedule (ScheduleSummary) */
  schedules: new Map(),
  /** @type {Map<string, any[]>} schedule id → its connections (ConnectionSummary) */
  connections: new Map(),
  /** @type {Map<string, {root: HTMLElement, refs: Record<string, HTMLElement>, editingRevision: string | null}>} */
  cards: new Map(),
  /** @type {Map<string, {saved?: string, errors?: Array<{code: string, message: string}>}>} connection id → result of its last change */
  feedback: new Map(),
};

// ————————————————————————————————————————————— small DOM helper

const PROPERTIES = new Set(['className', 'textContent', 'value', 'hidden', 'disabled', 'checked']);

/** `h('p', { className: 'x' }, 'text', child)`: an element; text children are text nodes, never HTML. */
function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2).toLowerCase(), value);
    else if (PROPERTIES.has(key)) element[key] = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** Restarts the highlight animation of an element. */
function flash(element, className = 'flash') {
  element.classList.remove(className);
  void element.offsetWidth; // a reflow, so the animation starts again
  element.classList.add(className);
}

const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

// ————————————————————————————————————————————— GraphQL over HTTP

class AuthError extends Error {}

function readToken() {
  return localStorage.getItem(TOKEN_KEY)?.trim() || '';
}

/** POST /graphql. Answers `data`; throws for GraphQL errors and for a refused token. */
async function request(query, variables) {
  const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  const token = readToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(HTTP_URL, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json().catch(() => null);
  const firstError = body?.errors?.[0];
  if (response.status === 401 || response.status === 403) {
    throw new AuthError(firstError?.message ?? 'The gateway refused the request.');
  }
  if (firstError) throw new Error(firstError.message);
  if (!response.ok || !body?.data) throw new Error(`The gateway answered HTTP ${response.status}.`);
  return body.data;
}

// ————————————————————————————————————————————— notices and status

function showNotice(message, { kind = 'error', action } = {}) {
  const notice = byId('notice');
  notice.replaceChildren(
    h('span', {}, message),
    action ? h('button', { type: 'button', className: 'button', onClick: action.run }, action.label) : '',
  );
  notice.dataset.kind = kind;
  notice.hidden = false;
}

function clearNotice() {
  byId('notice').hidden = true;
}

/** Opens the token form with a message that says whether a token is missing or was refused. */
function askForToken(detail) {
  const message = readToken()
    ? `The gateway refused the saved token (${detail}). Paste a valid one under “Access token”.`
    : 'This gateway authenticates its callers: paste a bearer token under “Access token” (in emulator mode the gateway logs a devToken at start-up).';
  showNotice(message, { kind: 'warning' });
  const details = /** @type {HTMLDetailsElement} */ (byId('token'));
  details.open = true;
  byId('token-input').focus();
}

const LIVE_LABELS = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  unauthorized: 'Token refused',
};

function setLiveState(liveState) {
  const status = byId('live-status');
  status.dataset.state = liveState;
  status.querySelector('.label').textContent = liveState === 'unauthorized' && !readToken() ? 'Token needed' : LIVE_LABELS[liveState];
}

// ————————————————————————————————————————————— loading

/** Reads the schedules and the connections (with their schedules) and draws them. */
async function load() {
  try {
    const [schedules, { connections }] = await Promise.all([readAllSchedules(), request(operations.Connections)]);
    state.schedules = new Map(schedules.map((schedule) => [schedule.id, schedule]));
    state.connections = new Map();
    state.feedback.clear();
    for (const connection of connections.connections) {
      const schedule = connection.schedule;
      if (!schedule) continue;
      // A connection whose schedule is beyond the pages read still gets a card.
      if (!state.schedules.has(schedule.id)) state.schedules.set(schedule.id, { status: 'ACTIVE', ...schedule });
      state.connections.set(schedule.id, [...(state.connections.get(schedule.id) ?? []), connection]);
    }
    renderAll();
    if (connections.failedProviderIds.length > 0) {
      showNotice(`Connections of ${connections.failedProviderIds.length} provider(s) could not be read right now; the others are shown.`, {
        kind: 'warning',
      });
    } else {
      clearNotice();
    }
  } catch (error) {
    if (error instanceof AuthError) {
      askForToken(error.message);
      byId('schedule-list').replaceChildren(
        h('p', { className: 'placeholder' }, 'The schedules appear here once the gateway accepts the token.'),
      );
    } else {
      showNotice(`Could not load the schedules: ${error.message}`, { action: { label: 'Try again', run: load } });
    }
  }
}

/** Every page of `schedules`, following `pageInfo.endCursor`. */
async function readAllSchedules() {
  const all = [];
  let after = null;
  for (let page = 0; page < MAX_SCHEDULE_PAGES; page += 1) {
    const { schedules } = await request(operations.Schedules, after ? { after } : {});
    all.push(...schedules.edges.map(({ node }) => node));
    if (!schedules.pageInfo.hasNextPage) break;
    after = schedules.pageInfo.endCursor;
  }
  return all;
}

// ————————————————————————————————————————————— rendering

function renderAll() {
  const list = byId('schedule-list');
  state.cards.clear();
  const schedules = [...state.schedules.values()];
  list.replaceChildren(...schedules.map(createCard));
  if (schedules.length === 0) list.append(h('p', { className: 'placeholder' }, 'No schedules yet.'));
  updateCount();
}

function updateCount() {
  const active = [...state.schedules.values()].filter((schedule) => schedule.status !== 'CANCELLED').length;
  const cancelled = state.schedules.size - active;
  byId('schedule-count').textContent = `${active} active${cancelled ? ` · ${cancelled} cancelled` : ''}`;
}

function createCard(schedule) {
  const refs = {};
  const card = { root: /** @type {HTMLElement | null} */ (null), refs, editingRevision: null };
  refs.name = h('h3', { className: 'schedule-name' });
  refs.status = h('span', { className: 'badge' });
  refs.live = h('span', { className: 'live-tag', hidden: true });
  refs.renameButton = h(
    'button',
    { type: 'button', className: 'button subtle rename-button', onClick: () => openRename(schedule.id) },
    'Rename',
  );
  refs.input = h('input', { name: 'name', type: 'text', required: true, maxlength: 200, autocomplete: 'off', 'aria-label': 'New name' });
  refs.formNote = h('p', { className: 'form-note', hidden: true });
  refs.formError = h('div', { className: 'form-error' });
  refs.saveButton = h('button', { type: 'submit', className: 'button primary' }, 'Save');
  refs.form = h(
    'form',
    { className: 'rename-form', hidden: true, onSubmit: (event) => (event.preventDefault(), saveRename(schedule.id)) },
    h(
      'div',
      { className: 'rename-row' },
      refs.input,
      refs.saveButton,
      h('button', { type: 'button', className: 'button', onClick: () => closeRename(schedule.id) }, 'Cancel'),
    ),
    refs.formNote,
    refs.formError,
  );
  refs.timeZone = h('dd', {});
  refs.revision = h('dd', { className: 'revision' });
  refs.updated = h('dd', {});
  refs.connections = h('ul', { className: 'connections' });

  card.root = h(
    'article',
    { className: 'card schedule', 'data-schedule-id': schedule.id },
    h('header', { className: 'card-head' }, h('div', { className: 'title-row' }, refs.name, refs.status, refs.live), refs.renameButton),
    refs.form,
    h(
      'dl',
      { className: 'meta' },
      h('div', {}, h('dt', {}, 'Time zone'), refs.timeZone),
      h('div', {}, h('dt', {}, 'Revision'), refs.revision),
      h('div', {}, h('dt', {}, 'Updated'), refs.updated),
    ),
    h('h4', { className: 'connections-title' }, 'Calendar connections'),
    refs.connections,
  );
  state.cards.set(schedule.id, card);
  fillCard(card, schedule);
  renderConnections(schedule.id);
  return card.root;
}

function fillCard(card, schedule) {
  const { refs } = card;
  const cancelled = schedule.status === 'CANCELLED';
  refs.name.textContent = schedule.name ?? '(no name)';
  refs.status.textContent = cancelled ? 'Cancelled' : 'Active';
  refs.status.className = `badge ${cancelled ? 'badge-muted' : 'badge-green'}`;
  refs.renameButton.hidden = cancelled || card.editingRevision !== null;
  refs.renameButton.setAttribute('aria-label', `Rename ${schedule.name ?? 'schedule'}`);
  refs.timeZone.textContent = schedule.timeZone ?? '—';
  refs.revision.textContent = schedule.revision ?? '—';
  refs.updated.textContent = schedule.updatedDate ? dateTime.format(new Date(schedule.updatedDate)) : '—';
  card.root.classList.toggle('cancelled', cancelled);
  card.root.dataset.status = schedule.status;
  if (cancelled) closeRename(schedule.id);
}

function renderConnections(scheduleId) {
  const card = state.cards.get(scheduleId);
  if (!card) return;
  const connections = state.connections.get(scheduleId) ?? [];
  card.refs.connections.replaceChildren(
    ...(connections.length > 0 ? connections.map(renderConnection) : [h('li', { className: 'no-connections' }, 'No calendar connected.')]),
  );
}

function renderConnection(connection) {
  const calendar = CALENDARS[connection.calendarType] ?? { label: connection.provider?.name ?? 'Calendar', mark: '?' };
  const features = connection.provider?.features;
  const importConfig = connection.syncConfig?.listEventFromCalendars;
  const exportConfig = connection.syncConfig?.syncToCalendar;
  const currentTarget = exportConfig?.target?.__typename;
  const statusText = CONNECTION_STATUS[connection.status] ?? connection.status;
  const reason = connection.status === 'ERROR' ? ERROR_REASONS[connection.errorReason] : undefined;

  const exportSwitch = h('input', {
    type: 'checkbox',
    role: 'switch',
    className: 'export-enabled',
    checked: Boolean(exportConfig?.enabled),
    onChange: (event) => changeExport(connection, { enabled: event.currentTarget.checked, target: targetKey(currentTarget) }),
  });
  const hints = [];
  if (features && !features.updateSyncConfig) hints.push(`${calendar.label}: sync settings cannot be changed through the API`);
  else if (features && EXPORT_CAPABILITY[features.syncToCalendar])
    hints.push(`${calendar.label} ${EXPORT_CAPABILITY[features.syncToCalendar]}`);

  return h(
    'li',
    { className: `connection status-${connection.status.toLowerCase()}`, 'data-connection-id': connection.id },
    h(
      'div',
      { className: 'connection-head' },
      h('span', { className: `provider-mark provider-${connection.calendarType.toLowerCase()}`, 'aria-hidden': 'true' }, calendar.mark),
      h(
        'div',
        { className: 'account' },
        h('strong', {}, calendar.label),
        h('span', { className: 'email' }, connection.externalAccountEmail ?? 'not connected yet'),
      ),
      h('span', { className: `chip chip-${connection.status.toLowerCase()}`, title: reason ?? '' }, statusText),
    ),
    reason ? h('p', { className: 'connection-reason' }, `Needs attention: ${reason}.`) : '',
    h(
      'div',
      { className: 'sync-grid' },
      h('span', { className: 'sync-label' }, 'Import'),
      describeImport(importConfig),
      h('span', { className: 'sync-label' }, 'Export'),
      h(
        'div',
        { className: 'export-controls' },
        h(
          'label',
          { className: 'switch' },
          exportSwitch,
          h('span', { className: 'switch-track', 'aria-hidden': 'true' }),
          h('span', {}, exportConfig?.enabled ? 'On' : 'Off'),
        ),
        h('span', { className: 'muted' }, 'to'),
        h(
          'div',
          { className: 'segmented', role: 'group', 'aria-label': 'Export to' },
          TARGETS.map((target) =>
            h(
              'button',
              {
                type: 'button',
                'data-target': target.key,
                'aria-pressed': String(currentTarget === target.typename),
                title: `Export to the ${target.label.toLowerCase()}`,
                onClick: () =>
                  currentTarget !== target.typename &&
                  changeExport(connection, { enabled: Boolean(exportConfig?.enabled), target: target.key }),
              },
              target.short,
            ),
          ),
        ),
      ),
      hints.length > 0 ? h('p', { className: 'hint' }, hints.join(' · ')) : '',
    ),
    h('div', { className: 'connection-result', 'aria-live': 'polite' }, renderFeedback(state.feedback.get(connection.id))),
  );
}

/** What the last change of a connection gave: the saved settings, or why it was refused. */
function renderFeedback(feedback) {
  if (!feedback) return [];
  if (feedback.saved) return [h('p', { className: 'saved' }, feedback.saved)];
  return feedback.errors.map(userErrorCallout);
}

function describeImport(config) {
  if (!config) return h('span', { className: 'muted' }, 'not set');
  if (!config.enabled) return h('span', { className: 'muted' }, 'Off');
  const source = config.source;
  if (source?.__typename === 'CalendarSelection') {
    const names = source.calendars.filter((calendar) => calendar.enabled !== false).map((calendar) => calendar.name ?? calendar.id);
    return h('span', {}, `On · ${names.length} calendar${names.length === 1 ? '' : 's'}: ${names.join(', ')}`);
  }
  return h('span', {}, source?.__typename === 'PrimaryCalendar' ? 'On · primary calendar' : 'On');
}

function targetKey(typename) {
  return TARGETS.find((target) => target.typename === typename)?.key;
}

/** A `userErrors` entry as a readable callout: a title for the code, the gateway's message, the code. */
function userErrorCallout(userError) {
  return h(
    'div',
    { className: 'user-error', role: 'alert', 'data-code': userError.code },
    h('strong', {}, USER_ERROR_TITLES[userError.code] ?? 'The change was not made'),
    h('span', { className: 'message' }, userError.message),
    h('code', {}, userError.code),
  );
}

// ————————————————————————————————————————————— rename (updateSchedule with the revision read)

function openRename(scheduleId) {
  const card = state.cards.get(scheduleId);
  const schedule = state.schedules.get(scheduleId);
  if (!card || !schedule) return;
  card.editingRevision = schedule.revision;
  card.refs.input.value = schedule.name ?? '';
  card.refs.formError.replaceChildren();
  card.refs.formNote.hidden = true;
  card.refs.form.hidden = false;
  card.refs.renameButton.hidden = true;
  card.refs.input.focus();
  card.refs.input.select();
}

function closeRename(scheduleId) {
  const card = state.cards.get(scheduleId);
  if (!card) return;
  card.editingRevision = null;
  card.refs.form.hidden = true;
  card.refs.renameButton.hidden = state.schedules.get(scheduleId)?.status === 'CANCELLED';
}

async function saveRename(scheduleId) {
  const card = state.cards.get(scheduleId);
  if (!card || card.editingRevision === null) return;
  const name = card.refs.input.value.trim();
  card.refs.saveButton.disabled = true;
  card.refs.saveButton.textContent = 'Saving…';
  card.refs.formError.replaceChildren();
  try {
    // The revision the person saw when they started editing: a change made meanwhile is refused.
    const { updateSchedule } = await request(operations.RenameSchedule, { id: scheduleId, revision: card.editingRevision, name });
    if (updateSchedule.userErrors.length > 0) {
      card.refs.formError.replaceChildren(...updateSchedule.userErrors.map(userErrorCallout));
      if (updateSchedule.userErrors.some((error) => error.code === 'SCHEDULE_REVISION_MISMATCH')) await refreshSchedule(scheduleId);
      return;
    }
    applySchedule(updateSchedule.schedule, { live: false });
    closeRename(scheduleId);
  } catch (error) {
    if (error instanceof AuthError) askForToken(`${error.message} Renaming needs the write role.`);
    card.refs.formError.replaceChildren(userErrorCallout({ code: 'REQUEST_FAILED', message: error.message }));
  } finally {
    card.refs.saveButton.disabled = false;
    card.refs.saveButton.textContent = 'Save';
  }
}

/** After a stale-revision error: read the schedule again, and let the person save over the new revision. */
async function refreshSchedule(scheduleId) {
  const { schedule } = await request(operations.Schedule, { id: scheduleId });
  const card = state.cards.get(scheduleId);
  if (!schedule || !card) return;
  applySchedule(schedule, { live: false });
  card.editingRevision = schedule.revision;
  card.refs.formNote.textContent = `Now “${schedule.name ?? ''}” (revision ${schedule.revision}). Save again to replace it with your name.`;
  card.refs.formNote.hidden = false;
}

// ————————————————————————————————————————————— export target (updateSyncConfig)

async function changeExport(connection, { enabled, target }) {
  const row = rowOf(connection);
  row?.querySelectorAll('button, input').forEach((control) => (control.disabled = true));
  row?.classList.add('busy');
  let updated = connection;
  try {
    const variables = { connectionId: connection.id, enabled, ...(target ? { target: { [target]: true } } : {}) };
    const { updateSyncConfig } = await request(operations.UpdateExport, variables);
    if (updateSyncConfig.userErrors.length > 0) {
      state.feedback.set(connection.id, { errors: updateSyncConfig.userErrors });
    } else {
      updated = updateSyncConfig.connection;
      const saved = updated.syncConfig?.syncToCalendar;
      const savedTarget = TARGETS.find((candidate) => candidate.typename === saved?.target?.__typename);
      state.feedback.set(connection.id, {
        saved: `Saved: export ${saved?.enabled ? 'on' : 'off'}${savedTarget ? `, to the ${savedTarget.label.toLowerCase()}` : ''}.`,
      });
    }
  } catch (error) {
    if (error instanceof AuthError) askForToken(`${error.message} Changing sync settings needs the write role.`);
    state.feedback.set(connection.id, { errors: [{ code: 'REQUEST_FAILED', message: error.message }] });
  }
  // Redrawn in every case: the controls show what the gateway holds, not what was clicked.
  replaceConnection(connection, updated);
  const redrawn = rowOf(connection);
  if (redrawn && updated !== connection) flash(redrawn, 'flash-saved');
}

function rowOf(connection) {
  return document.querySelector(`[data-connection-id="${CSS.escape(connection.id)}"]`);
}

/** Redraws the connections of the schedule with `updated` in place of `previous`. */
function replaceConnection(previous, updated) {
  const scheduleId = previous.schedule?.id;
  if (!scheduleId) return;
  const list = state.connections.get(scheduleId) ?? [];
  state.connections.set(
    scheduleId,
    list.map((connection) => (connection.id === updated.id ? updated : connection)),
  );
  renderConnections(scheduleId);
}

// ————————————————————————————————————————————— applying changes

/** Revisions are int64 strings: compared as BigInt. */
function isNewer(incoming, current) {
  if (!current) return true;
  return BigInt(incoming.revision ?? '0') > BigInt(current.revision ?? '0');
}

/**
 * Shows a schedule as the gateway last reported it, if it is newer than what the page shows: the
 * page's own rename arrives twice (mutation result, then the event), and a list read after a
 * change must not be overwritten by that change's event arriving late.
 */
function applySchedule(schedule, { live, tag = '' }) {
  const current = state.schedules.get(schedule.id);
  if (!isNewer(schedule, current)) return false;
  state.schedules.set(schedule.id, schedule);
  let card = state.cards.get(schedule.id);
  const changed = card ? changedFields(current, schedule) : [];
  if (!card) {
    byId('schedule-list').querySelector('.placeholder')?.remove();
    byId('schedule-list').append(createCard(schedule));
    card = state.cards.get(schedule.id);
  } else {
    fillCard(card, schedule);
    if (card.editingRevision !== null && live) {
      card.refs.formNote.textContent = `Changed meanwhile: now “${schedule.name ?? ''}” (revision ${schedule.revision}).`;
      card.refs.formNote.hidden = false;
    }
  }
  updateCount();
  if (card) {
    flash(card.root, live ? 'flash' : 'flash-saved');
    for (const field of changed) flash(card.refs[field], 'flash-text');
    if (live) {
      card.refs.live.textContent = tag;
      card.refs.live.hidden = false;
      flash(card.refs.live, 'fade-out');
    }
  }
  return true;
}

/** Which of the card's fields differ between two versions of a schedule (the keys of `refs`). */
function changedFields(before, after) {
  const fields = { name: 'name', status: 'status', timeZone: 'timeZone', revision: 'revision', updated: 'updatedDate' };
  return Object.keys(fields).filter((ref) => before?.[fields[ref]] !== after[fields[ref]]);
}

// ————————————————————————————————————————————— live events (graphql-ws)

const live = {
  client: null,
  /** Bumped on every restart: callbacks of a disposed client recognise themselves and do nothing. */
  generation: 0,
  /** Last cursor received per subscription field: the `since` of its next subscribe. */
  cursors: { scheduleUpdated: null, scheduleCreated: null, scheduleCancelled: null },
  restartTimer: 0,
};

function startLive() {
  const { createClient } = globalThis.graphqlWs;
  const generation = ++live.generation;
  const current = () => generation === live.generation;
  live.client = createClient({
    url: WS_URL,
    connectionParams: () => {
      const token = readToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    retryAttempts: Infinity,
    // 4403: the token was refused; trying again with the same one cannot help.
    shouldRetry: (closeEvent) => closeEvent?.code !== 4403,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 8_000) + Math.random() * 250)),
    on: {
      connecting: (isRetry) => current() && setLiveState(isRetry ? 'reconnecting' : 'connecting'),
      connected: (_socket, _payload, wasRetry) => {
        if (!current()) return;
        setLiveState('live');
        if (wasRetry) onReconnected();
      },
      closed: () => current() && setLiveState('reconnecting'),
    },
  });
  for (const field of Object.keys(TOPICS)) subscribe(field, current);
}

function subscribe(field, current) {
  const payload = {
    query: TOPICS[field].operation,
    // graphql-ws serialises the payload again each time it resubscribes after a reconnect: this
    // getter makes every resubscription carry the last cursor seen, and the gateway replays
    // exactly the events missed in between.
    get variables() {
      return live.cursors[field] ? { since: live.cursors[field] } : {};
    },
  };
  live.client.subscribe(payload, {
    next: (result) => {
      if (!current()) return;
      // A refused `since` (expired cursor) arrives as a result with errors, then the end.
      if (result.errors?.length) {
        onSubscriptionErrors(field, result.errors, current);
        return;
      }
      const event = result.data?.[field];
      if (!event) return;
      live.cursors[field] = event.cursor;
      byId('last-cursor').textContent = event.cursor;
      const changed = applySchedule(event.schedule, { live: true, tag: TOPICS[field].tag });
      addToFeed(field, event, changed);
    },
    error: (error) => {
      if (!current()) return;
      if (Array.isArray(error)) onSubscriptionErrors(field, error, current);
      else onConnectionLost(error);
    },
    complete: () => {},
  });
}

function onSubscriptionErrors(field, errors, current) {
  const code = errors[0]?.extensions?.code;
  if (code === 'CURSOR_EXPIRED' || code === 'BAD_USER_INPUT') {
    // The gateway no longer holds the events after our cursor (it restarted, or the page was away
    // too long): read everything again, then follow live from now on.
    live.cursors[field] = null;
    addNote(`${field}: the cursor expired, the list was read again`);
    load();
    setTimeout(() => current() && subscribe(field, current), 500);
    return;
  }
  showNotice(`Live updates (${field}) stopped: ${errors[0]?.message ?? 'unknown error'}`, {
    action: { label: 'Reconnect', run: restartLive },
  });
}

function onConnectionLost(closeEvent) {
  if (closeEvent?.code === 4403) {
    setLiveState('unauthorized');
    askForToken('live updates were refused');
    return;
  }
  setLiveState('offline');
  // The connection ended for good (the gateway closed it by policy, for instance): start afresh shortly.
  clearTimeout(live.restartTimer);
  live.restartTimer = setTimeout(restartLive, 3_000);
}

/** Every subscription has resumed from its cursor; one that never had an event cannot, so the list is read again. */
function onReconnected() {
  const resumed = Object.keys(live.cursors).filter((field) => live.cursors[field]);
  addNote(resumed.length > 0 ? `Reconnected; resumed ${resumed.join(', ')} from the last cursor` : 'Reconnected');
  if (resumed.length < Object.keys(live.cursors).length) load();
}

function restartLive() {
  clearTimeout(live.restartTimer);
  const previous = live.client;
  startLive();
  previous?.dispose();
}

function addToFeed(field, event, changed) {
  const schedule = event.schedule;
  const item = h(
    'li',
    { className: `event event-${field}` },
    h('span', { className: 'event-kind' }, TOPICS[field].label),
    h(
      'div',
      { className: 'event-body' },
      h('strong', {}, schedule.name ?? schedule.id),
      h('span', { className: 'event-detail' }, `revision ${schedule.revision ?? '—'}${changed ? '' : ' · already shown'}`),
    ),
    h('time', { dateTime: event.eventTime }, clockTime.format(new Date(event.eventTime))),
  );
  prependToFeed(item);
}

function addNote(text) {
  prependToFeed(
    h(
      'li',
      { className: 'event event-note' },
      h('span', { className: 'event-kind' }, 'Info'),
      h('div', { className: 'event-body' }, text),
      h('time', {}, clockTime.format(new Date())),
    ),
  );
}

function prependToFeed(item) {
  const list = byId('event-list');
  list.prepend(item);
  flash(item, 'enter');
  while (list.children.length > FEED_LENGTH) list.lastElementChild?.remove();
  byId('feed-empty').hidden = true;
}

// ————————————————————————————————————————————— token form

function setUpTokenForm() {
  const input = /** @type {HTMLInputElement} */ (byId('token-input'));
  input.value = readToken();
  byId('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value.trim()) localStorage.setItem(TOKEN_KEY, input.value.trim());
    else localStorage.removeItem(TOKEN_KEY);
    /** @type {HTMLDetailsElement} */ (byId('token')).open = false;
    clearNotice();
    restartLive();
    load();
  });
  byId('token-clear').addEventListener('click', () => {
    input.value = '';
    localStorage.removeItem(TOKEN_KEY);
    restartLive();
    load();
  });
}

// ————————————————————————————————————————————— start

setUpTokenForm();
// Subscribe first, then read: a change made while the list loads is not lost.
startLive();
load();
