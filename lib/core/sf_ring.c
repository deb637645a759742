/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#include <stdio.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "sf_ring.h"

/* rte_ring names are process-wide: a serial keeps engines apart. */
static uint32_t sf_ring_serial;

struct rte_ring *
sf_ring_create(const char *kind, unsigned int a, unsigned int b,
		unsigned int size, unsigned int esize, int socket)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "sf_%s%u_%u_%u", kind, a, b,
		__atomic_fetch_add(&sf_ring_serial, 1, __ATOMIC_RELAXED));
	return rte_ring_create_elem(name, esize, size, socket,
		RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
}

unsigned int
sf_ring_drain(struct rte_ring *r, unsigned int esize, void (*drop)(void *))
{
	uint64_t elem[SF_RING_ELEM_MAX / sizeof(uint64_t)];
	unsigned int n = 0;

	if (r == NULL || esize > sizeof(elem))
		return 0;
	while (rte_ring_sc_dequeue_elem(r, elem, esize) == 0) {
		drop(elem);
		n++;
	}
	return n;
}

void
sf_ring_drop_mbuf(void *elem)
{
	rte_pktmbuf_free(*(struct rte_mbuf **)elem);
}

void
sf_ring_matrix_free(struct rte_ring **mx, unsigned int n)
{
	unsigned int i;

	if (mx == NULL)
		return;
	for (i = 0; i < n; i++)
		rte_ring_free(mx[i]);
	rte_free(mx);
}
