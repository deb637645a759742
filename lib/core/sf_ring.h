/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SF_RING_H
#define SF_RING_H

/*
 * The one kind of ring every cross-lcore hand-off uses (steering, tx
 * hand-off, accept and command rings), as Gatekeeper's blocks share one
 * mailbox type: one producer, one consumer, fixed-size elements, made,
 * drained and freed the same way. Private header of the core layer.
 */

#include <rte_ring.h>

/* The largest element a ring carries (users check theirs at build time). */
#define SF_RING_ELEM_MAX 256

/*
 * A ring of size elements of esize bytes from a to b, named uniquely
 * from kind and the two ends (rte_ring names are process-wide). NULL
 * with rte_errno when it cannot be made.
 */
struct rte_ring *sf_ring_create(const char *kind, unsigned int a,
		unsigned int b, unsigned int size, unsigned int esize,
		int socket);

/*
 * Empty r after its producer and consumer stopped, handing each element
 * to drop (which frees what the element holds). Returns the count.
 */
unsigned int sf_ring_drain(struct rte_ring *r, unsigned int esize,
		void (*drop)(void *elem));

/* drop for rings of mbuf pointers: the mbuf back to its pool. */
void sf_ring_drop_mbuf(void *elem);

/* Free the n rings of a matrix (NULL entries skipped), then the matrix. */
void sf_ring_matrix_free(struct rte_ring **mx, unsigned int n);

#endif /* SF_RING_H */
