/** The databases a node serves: connection pools and catalog change notifications. */
package dev.trickle.sharding.database;
