package org.sealpost.store;

/**
 * What the nodes of a cluster share to keep message queues in a database without Paxos on the
 * message path (Cassandra's): who appends to a device's queue next, and which send of a message id
 * stores it.
 */
public record QueueCoordination(QueueTurns turns, PendingSends sends) {}
