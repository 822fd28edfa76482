/** Starting the refresh runtime on a node: entities, coordinators, settings. */
package dev.trickle.sharding.runtime;
