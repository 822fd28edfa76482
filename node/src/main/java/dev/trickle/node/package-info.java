/**
 * The runnable Trickle: {@link dev.trickle.node.Main} starts the {@code trickle} command line
 * ({@link dev.trickle.node.TrickleCli}); commands live in {@code cli}, demo scenarios in
 * {@code demo}.
 */
package dev.trickle.node;
