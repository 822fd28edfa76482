/**
 * The refresh coordinator of one database (a cluster singleton): reads the catalog, and asks
 * due stream tables to refresh in topological waves.
 */
package dev.trickle.sharding.coordinator;
