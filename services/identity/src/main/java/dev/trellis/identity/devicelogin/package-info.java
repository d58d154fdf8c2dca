/**
 * Interactive device login: the URL a device's login prints (it sends the browser to the console's
 * device page), what a pending login is, and the endpoint with which a signed-in user completes the
 * device's pending registration ({@code DeviceLoginCompleted}).
 */
package dev.trellis.identity.devicelogin;
