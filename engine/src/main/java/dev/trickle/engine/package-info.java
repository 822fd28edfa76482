/**
 * The refresh compiler: turns a stream table's defining query into a
 * {@link dev.trickle.engine.RefreshProgram} that the database runs on every refresh.
 *
 * <p>Pure Java: no threads, no I/O. {@link dev.trickle.engine.RefreshCompiler} is the entry
 * point; it is stateless and thread-safe.
 */
package dev.trickle.engine;
