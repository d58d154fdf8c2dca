/**
 * Interactive device login: the page a device's login URL opens, and the endpoint with which a
 * signed-in user completes the device's pending registration ({@code DeviceLoginCompleted}).
 */
package dev.trellis.identity.devicelogin;
