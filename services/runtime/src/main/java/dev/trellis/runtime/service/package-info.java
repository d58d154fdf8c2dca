/**
 * The service base: the {@link dev.trellis.runtime.service.TrellisService} contract, the {@link
 * dev.trellis.runtime.service.ServiceContext} each service gets, and the {@link
 * dev.trellis.runtime.service.ServiceHost} that deploys services as verticles behind one HTTP
 * server and stops them gracefully. {@link dev.trellis.runtime.service.VertxSetup} builds the
 * process's Vert.x with metrics and blocked-thread checking; {@link
 * dev.trellis.runtime.service.Logging} switches the log format.
 */
package dev.trellis.runtime.service;
