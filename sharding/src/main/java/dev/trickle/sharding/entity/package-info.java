/**
 * The sharded, event-sourced entity of one stream table: runs its refreshes (fenced in
 * PostgreSQL), backs off, suspends, and follows the catalog.
 */
package dev.trickle.sharding.entity;
