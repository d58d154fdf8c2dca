/**
 * Untrusted text: the one definition of the characters it must not carry into names, logs or
 * terminals ({@link dev.trellis.runtime.text.UnsafeChars}), used by request validation ({@code
 * runtime.http.TextField}) and by the logs ({@code runtime.logging.LogText}).
 */
package dev.trellis.runtime.text;
