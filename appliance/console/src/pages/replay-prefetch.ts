/**
 * The replay page's first script: asks for the recording's first page of events at once, before the browser has
 * evaluated the player (see lib/prefetch.ts). It must stay tiny and import nothing heavy.
 */
import { firstEventsPath, prefetch } from '../lib/prefetch';

const id = (new URLSearchParams(window.location.search).get('id') ?? '').trim();
if (id) prefetch(firstEventsPath(id));
