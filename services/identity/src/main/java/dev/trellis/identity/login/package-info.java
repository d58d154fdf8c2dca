/**
 * Built-in email + password login: Argon2id hashes, rate limits shared across instances, sessions.
 */
package dev.trellis.identity.login;
