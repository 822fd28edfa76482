/** The node's HTTP API. */
package dev.trickle.node.http;
