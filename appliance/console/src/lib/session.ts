/** The console's one API client: any 401 sends the person to the login page and back here afterwards. */
import { ApiClient } from './api';
import { loginUrl } from './query';

export const BASE = import.meta.env.BASE_URL;

export function goToLogin(): void {
  window.location.assign(loginUrl(window.location.pathname + window.location.search, BASE));
}

export const api = new ApiClient({ onUnauthorized: goToLogin });
