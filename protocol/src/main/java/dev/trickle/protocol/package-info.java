/**
 * Values shared by every Trickle module and, from the cluster runtime on, carried in actor
 * messages between nodes. Everything here is an immutable value with no behaviour beyond
 * parsing and validation; nothing here depends on another Trickle module.
 */
package dev.trickle.protocol;
