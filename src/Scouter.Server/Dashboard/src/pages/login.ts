import * as api from '../api';
import { h, replace, uniqueId } from '../dom';
import { basePath, navigate, type Scope } from '../router';
import { setUser } from '../session';
import { describeError, field, pageTitle } from '../components/ui';

/** Where ?next= may send the user: a path of this app, never another origin. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith(`${basePath}/`) || next.startsWith('//') || next.includes('\\')) return `${basePath}/`;
  if (next === `${basePath}/login` || next.startsWith(`${basePath}/login?`)) return `${basePath}/`;
  return next;
}

export function loginPage(root: HTMLElement, url: URL, scope: Scope): void {
  const userId = uniqueId('username');
  const passId = uniqueId('password');
  const username = h('input', { id: userId, name: 'username', autocomplete: 'username', required: true, 'data-testid': 'login-username' });
  const password = h('input', { id: passId, name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'login-password' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, 'Sign in');
  const message = h('div', { class: 'login-message', 'aria-live': 'polite' });
  let countdown: number | undefined;
  scope.onDispose(() => window.clearInterval(countdown));

  const showError = (text: string, field?: string) => {
    for (const input of [username, password]) input.removeAttribute('aria-invalid');
    const target = field === 'password' ? password : field === 'username' ? username : null;
    target?.setAttribute('aria-invalid', 'true');
    replace(message, h('p', { class: 'message message-error', role: 'alert', 'data-testid': 'login-error' }, text));
  };

  /** Throttled: keeps the button disabled and counts down the server's Retry-After. */
  const throttle = (detail: string, seconds: number) => {
    let left = Math.ceil(seconds);
    // Not live itself: the alert is read once, not every second of the countdown.
    const retry = h('span', { 'data-testid': 'login-retry-after', 'data-value': String(left), 'aria-live': 'off' });
    const tick = () => {
      retry.textContent = left > 0 ? ` Try again in ${left} s.` : ' You can try again now.';
      submit.disabled = left > 0;
      if (left <= 0) window.clearInterval(countdown);
      left -= 1;
    };
    showError(detail);
    message.firstElementChild?.append(retry);
    window.clearInterval(countdown);
    tick();
    countdown = window.setInterval(tick, 1000);
  };

  const form = h('form', {
    class: 'login-form', 'data-testid': 'login-form', novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      if (!username.value.trim() || !password.value) {
        showError('Enter your user name and password.', !username.value.trim() ? 'username' : 'password');
        return;
      }
      submit.disabled = true;
      replace(message, h('p', { class: 'loading', role: 'status' }, 'Signing in…'));
      try {
        await api.login(username.value.trim(), password.value);
        setUser(await api.me());
        navigate(safeNext(url.searchParams.get('next')), { replace: true });
      } catch (error) {
        submit.disabled = false;
        if (error instanceof api.ApiError && error.status === 429) {
          throttle(error.message, error.retryAfter ?? 1);
        } else {
          showError(describeErrorForLogin(error), error instanceof api.ApiError ? error.problem.field : undefined);
        }
        password.value = '';
        password.focus();
      }
    },
  },
  field(userId, 'User name', username),
  field(passId, 'Password', password),
  submit,
  message);

  root.append(h('div', { class: 'login' }, pageTitle('Sign in to Scouter'), form));
  username.focus();
}

function describeErrorForLogin(error: unknown): string {
  // The server's own sentence is the message (invalid_credentials, validation); the code is for logs.
  if (error instanceof api.ApiError) return error.problem.detail ?? error.problem.title ?? error.message;
  return `Could not reach the server: ${describeError(error)}`;
}
