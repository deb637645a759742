/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * The tx service: every frame any layer sends leaves through here. A
 * worker has one tx buffer per port it polls (flushed by its poll loop);
 * a frame for a port it has no queue on goes over the tx hand-off ring
 * to the worker that sends there for it (software steering sets the
 * rings up), or is dropped and counted. Nothing is retried: a queue that
 * refuses frames cannot hold the mempool hostage.
 */

#include <errno.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "sf_net.h"

/* Frames the tx queue refused: freed and counted, never retried. */
static void
sf_tx_unsent(struct rte_mbuf **pkts, uint16_t unsent, void *arg)
{
	struct sf_net *nt = arg;
	uint16_t i;

	for (i = 0; i < unsent; i++)
		rte_pktmbuf_free(pkts[i]);
	sf_count_n(nt, SF_CNT_tx_dropped, unsent);
}

int
sf_net_queue_add(struct sf_net *nt, uint16_t port_id, uint16_t queue_id)
{
	struct rte_eth_dev_tx_buffer *b;
	struct sf_wqueue *q;

	if (nt->nt_qidx[port_id] != UINT8_MAX)
		return -EINVAL;
	if (nt->nt_nb_queues == SF_MAX_WORKER_QUEUES)
		return -ENOSPC;
	b = rte_zmalloc_socket("sf_txbuf", RTE_ETH_TX_BUFFER_SIZE(SF_RX_BURST),
			RTE_CACHE_LINE_SIZE, nt->nt_socket);
	if (b == NULL)
		return -ENOMEM;
	rte_eth_tx_buffer_init(b, SF_RX_BURST);
	rte_eth_tx_buffer_set_err_callback(b, sf_tx_unsent, nt);
	q = &nt->nt_q[nt->nt_nb_queues];
	q->wq_port = port_id;
	q->wq_queue = queue_id;
	q->wq_txb = b;
	nt->nt_qidx[port_id] = (uint8_t)nt->nt_nb_queues;
	nt->nt_nb_queues++;
	return 0;
}

/* Frames still buffered go back to their pool (the queues stopped). */
void
sf_net_tx_drain(struct sf_net *nt)
{
	unsigned int q;

	for (q = 0; q < nt->nt_nb_queues; q++) {
		struct rte_eth_dev_tx_buffer *b = nt->nt_q[q].wq_txb;

		rte_pktmbuf_free_bulk(b->pkts, b->length);
		b->length = 0;
	}
}

void
sf_net_queue_fini(struct sf_net *nt)
{
	unsigned int q;

	for (q = 0; q < nt->nt_nb_queues; q++) {
		rte_free(nt->nt_q[q].wq_txb);
		nt->nt_q[q].wq_txb = NULL;
	}
	nt->nt_nb_queues = 0;
}

void
sf_net_handoff(struct sf_net *nt, uint16_t port_id, struct rte_mbuf *m)
{
	struct rte_ring *r = nt->nt_txr[port_id];

	if (r == NULL) {
		rte_pktmbuf_free(m);
		sf_count(nt, SF_CNT_tx_dropped);
		return;
	}
	m->port = port_id;
	if (rte_ring_sp_enqueue(r, m) != 0) {
		rte_pktmbuf_free(m);
		sf_count(nt, SF_CNT_tx_handoff_dropped);
		return;
	}
	sf_count(nt, SF_CNT_tx_handoff);
}

void
sf_net_flush(struct sf_net *nt)
{
	uint16_t sent = 0;
	unsigned int i;

	for (i = 0; i < nt->nt_nb_queues; i++) {
		const struct sf_wqueue *q = &nt->nt_q[i];

		sent += rte_eth_tx_buffer_flush(q->wq_port, q->wq_queue,
				q->wq_txb);
	}
	if (sent != 0)
		sf_count_n(nt, SF_CNT_tx_packets, sent);
	nt->nt_last_flush = rte_rdtsc();
}

void
sf_net_tx(struct sf_net *nt, uint16_t port_id, struct rte_mbuf *m)
{
	const struct sf_wqueue *q;

	if (unlikely(nt->nt_tx_hook != NULL)) {
		nt->nt_tx_hook(nt, port_id, m);
		return;
	}
	q = sf_net_txq(nt, port_id);
	if (unlikely(q == NULL)) {
		sf_net_handoff(nt, port_id, m);
		return;
	}
	sf_net_txq_send(nt, q, m);
}

struct rte_mbuf *
sf_net_alloc(struct sf_net *nt)
{
	struct rte_mbuf *m = NULL;

	if (nt->nt_pool != NULL)
		m = rte_pktmbuf_alloc(nt->nt_pool);
	if (m == NULL)
		sf_count(nt, SF_CNT_tx_nombuf);
	return m;
}
