/** Small parsers shared by identity's request handlers (lifetimes). */
package dev.trellis.identity.request;
