/** Users of a tailnet with roles: the directory (projection reads), decisions and admin API. */
package dev.trellis.identity.user;
