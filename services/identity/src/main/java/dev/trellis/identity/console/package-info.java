/**
 * The web admin console: its files (served with a strict Content-Security-Policy) and the browser's
 * session (a password sign-in that keeps the session in an HttpOnly cookie, and who is signed in
 * with the session's CSRF secret). The pages are clients of the admin API only.
 */
package dev.trellis.identity.console;
