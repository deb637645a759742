/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Software steering: when a port has fewer rx queues than workers, or no
 * RSS, the worker that receives a TCP segment is not always the one that
 * owns its flow. It hashes the 4-tuple as a NIC's RSS would (Toeplitz,
 * sf_rss_key), looks the owner up in the port's steering table, and
 * passes the frame over a ring that only it fills and only the owner
 * empties. The owner's replies leave on its own tx queue of the port, or,
 * when it has none there (net_tap insists on as many tx as rx queues),
 * over a tx hand-off ring to a worker that has one.
 *
 *   rx worker s --steer ring [s][d]--> owner d --tx ring [d][p]--> worker p
 *
 * Every ring has one producer and one consumer (RING_F_SP_ENQ |
 * RING_F_SC_DEQ), so a hand-off is a burst copy of pointers and a store,
 * with no lock and no compare-and-swap. A full ring drops (counted by the
 * producer): a worker never waits for another.
 *
 * ICMP and ICMPv6 errors quoting a TCP segment we sent go to the owner
 * of that flow, where its request or connection is. ARP, ICMP echo, ND
 * and whatever does not parse as TCP stay with the worker that received
 * them; they belong to no flow.
 */

#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_tcp.h>
#include <rte_thash.h>

#include "sf_engine_pvt.h"

/*
 * A burst received on a steered port: frames of flows other workers own
 * go to them, the rest is processed here.
 */
uint16_t
sf_steer_rx(struct sf_worker *w, uint16_t port_id, struct rte_mbuf **pkts,
		uint16_t n)
{
	const struct sf_port *pt = &w->wk_eng->en_ports[port_id];
	struct rte_mbuf *local[SF_RX_BURST];
	uint16_t touched[SF_RX_BURST];
	uint16_t i, nl = 0, nt = 0;

	for (i = 0; i < n; i++) {
		int o = sf_rss_owner(pt, pkts[i]);
		struct sf_steer_buf *b;

		if (o < 0 || (unsigned int)o == w->wk_idx ||
		    w->wk_steer_out[o] == NULL) {
			local[nl++] = pkts[i];
			continue;
		}
		b = &w->wk_steer_buf[o];
		if (b->sb_n == 0)
			touched[nt++] = (uint16_t)o;
		/* Not every PMD sets it; the owner reads the port from it. */
		pkts[i]->port = port_id;
		b->sb_m[b->sb_n++] = pkts[i];
	}
	for (i = 0; i < nt; i++) {
		struct sf_steer_buf *b = &w->wk_steer_buf[touched[i]];
		unsigned int k = rte_ring_sp_enqueue_burst(
				w->wk_steer_out[touched[i]],
				(void **)b->sb_m, b->sb_n, NULL);

		sf_count_n(sf_wk_net(w), SF_CNT_steer_out, k);
		if (k < b->sb_n) {
			/* Received here and dropped here: both counted here. */
			rte_pktmbuf_free_bulk(b->sb_m + k, b->sb_n - k);
			sf_count_n(sf_wk_net(w), SF_CNT_rx_packets, b->sb_n - k);
			sf_count_n(sf_wk_net(w), SF_CNT_drop_steer_ring_full, b->sb_n - k);
		}
		b->sb_n = 0;
	}
	if (nl != 0)
		sf_worker_input(w, port_id, local, nl);
	return n;
}

/*
 * The rings other workers fill for this one: frames of flows it owns,
 * and frames to send on a port it has the tx queue of.
 */
unsigned int
sf_steer_poll(struct sf_worker *w)
{
	struct rte_mbuf *pkts[SF_RX_BURST];
	unsigned int r, total = 0, i, j, n;

	for (r = 0; r < w->wk_nb_steer_in; r++) {
		n = rte_ring_sc_dequeue_burst(w->wk_steer_in[r],
				(void **)pkts, SF_RX_BURST, NULL);
		if (n == 0)
			continue;
		sf_count_n(sf_wk_net(w), SF_CNT_steer_in, n);
		total += n;
		/* Runs of one port: the frames came in on their m->port. */
		for (i = 0; i < n; i = j) {
			for (j = i + 1; j < n && pkts[j]->port == pkts[i]->port;
			     j++)
				;
			sf_worker_input(w, pkts[i]->port, pkts + i,
				(uint16_t)(j - i));
		}
	}
	for (r = 0; r < w->wk_nb_tx_in; r++) {
		n = rte_ring_sc_dequeue_burst(w->wk_tx_in[r], (void **)pkts,
				SF_RX_BURST, NULL);
		for (i = 0; i < n; i++) {
			struct sf_net *nt = sf_wk_net(w);
			const struct sf_wqueue *q;

			q = sf_net_txq(nt, pkts[i]->port);
			if (unlikely(q == NULL)) {
				rte_pktmbuf_free(pkts[i]);
				sf_count(nt, SF_CNT_tx_dropped);
				continue;
			}
			sf_net_txq_send(nt, q, pkts[i]);
		}
		total += n;
	}
	return total;
}

/* The ring from worker s to worker d of a matrix, made on first use. */
static struct rte_ring *
sf_steer_pair(struct sf_engine *eng, struct rte_ring **mx, const char *kind,
		unsigned int s, unsigned int d, struct rte_ring ***in,
		unsigned int *nb_in, bool *made)
{
	unsigned int nw = eng->en_nb_workers;
	struct rte_ring *r = mx[s * nw + d];

	*made = false;
	if (r != NULL)
		return r;
	if (*in == NULL) {
		*in = rte_zmalloc_socket("sf_ring_in", sizeof(**in) * nw, 0,
				eng->en_socket);
		if (*in == NULL)
			return NULL;
	}
	r = sf_ring_create(kind, s, d, eng->en_steer_ring_size,
			sizeof(void *), eng->en_socket);
	if (r == NULL)
		return NULL;
	mx[s * nw + d] = r;
	(*in)[(*nb_in)++] = r;
	*made = true;
	return r;
}

int
sf_engine_steer(struct sf_engine *eng, uint16_t port_id)
{
	unsigned int nw, s, d, i, nq = 0;
	unsigned int *qw;
	struct sf_port *pt;
	bool made;

	if (eng == NULL || port_id >= RTE_MAX_ETHPORTS ||
	    !eng->en_ports[port_id].pt_present)
		return -EINVAL;
	nw = eng->en_nb_workers;
	pt = &eng->en_ports[port_id];
	qw = calloc(nw, sizeof(*qw));
	if (qw == NULL)
		return -ENOMEM;
	for (s = 0; s < nw; s++)
		if (sf_wk_net(&eng->en_workers[s])->nt_qidx[port_id] != UINT8_MAX)
			qw[nq++] = s;
	if (nq == 0) {
		free(qw);
		return -EINVAL;
	}
	if (eng->en_steer_r == NULL)
		eng->en_steer_r = rte_zmalloc_socket("sf_steer_r",
			sizeof(struct rte_ring *) * nw * nw, 0,
			eng->en_socket);
	if (eng->en_tx_r == NULL)
		eng->en_tx_r = rte_zmalloc_socket("sf_tx_r",
			sizeof(struct rte_ring *) * nw * nw, 0,
			eng->en_socket);
	if (eng->en_steer_r == NULL || eng->en_tx_r == NULL)
		goto nomem;
	/* Every worker owns an equal share of the table. */
	for (i = 0; i < SF_STEER_RETA_SIZE; i++)
		pt->pt_reta[i] = (uint16_t)(i % nw);
	sf_port_reta_done(pt);
	for (i = 0; i < nq; i++) {
		struct sf_worker *ws = &eng->en_workers[qw[i]];

		if (ws->wk_steer_out == NULL)
			ws->wk_steer_out = rte_zmalloc_socket("sf_steer_out",
				sizeof(struct rte_ring *) * nw, 0,
				eng->en_socket);
		if (ws->wk_steer_buf == NULL)
			ws->wk_steer_buf = rte_zmalloc_socket("sf_steer_buf",
				sizeof(struct sf_steer_buf) * nw,
				RTE_CACHE_LINE_SIZE, eng->en_socket);
		if (ws->wk_steer_out == NULL || ws->wk_steer_buf == NULL)
			goto nomem;
		for (d = 0; d < nw; d++) {
			struct sf_worker *wd = &eng->en_workers[d];

			if (d == qw[i])
				continue;
			ws->wk_steer_out[d] = sf_steer_pair(eng,
				eng->en_steer_r, "st", qw[i], d,
				&wd->wk_steer_in, &wd->wk_nb_steer_in, &made);
			if (ws->wk_steer_out[d] == NULL)
				goto nomem;
		}
	}
	/* Workers with no queue on the port send through one that has. */
	for (d = 0; d < nw; d++) {
		struct sf_net *nd = sf_wk_net(&eng->en_workers[d]);
		unsigned int p;

		if (nd->nt_qidx[port_id] != UINT8_MAX)
			continue;
		p = qw[d % nq];
		nd->nt_txr[port_id] = sf_steer_pair(eng, eng->en_tx_r, "tx",
			d, p, &eng->en_workers[p].wk_tx_in,
			&eng->en_workers[p].wk_nb_tx_in, &made);
		if (nd->nt_txr[port_id] == NULL)
			goto nomem;
	}
	free(qw);
	/* Published last: a worker that sees it finds its rings ready. */
	__atomic_store_n(&pt->pt_steer, true, __ATOMIC_RELEASE);
	return 0;
nomem:
	free(qw);
	return -ENOMEM;
}

int
sf_engine_port_steered(const struct sf_engine *eng, uint16_t port_id)
{
	if (eng == NULL || port_id >= RTE_MAX_ETHPORTS ||
	    !eng->en_ports[port_id].pt_present)
		return -EINVAL;
	return eng->en_ports[port_id].pt_steer;
}

/* Free what waits in the steering and tx rings. */
void
sf_steer_drain(struct sf_engine *eng)
{
	unsigned int i, nw = eng->en_nb_workers;

	for (i = 0; i < nw * nw; i++) {
		if (eng->en_steer_r != NULL)
			sf_ring_drain(eng->en_steer_r[i], sizeof(void *),
				sf_ring_drop_mbuf);
		if (eng->en_tx_r != NULL)
			sf_ring_drain(eng->en_tx_r[i], sizeof(void *),
				sf_ring_drop_mbuf);
	}
}

void
sf_steer_fini(struct sf_engine *eng)
{
	unsigned int i, nw = eng->en_nb_workers;

	/* sf_engine_drain() has emptied the rings. */
	sf_ring_matrix_free(eng->en_steer_r, nw * nw);
	sf_ring_matrix_free(eng->en_tx_r, nw * nw);
	for (i = 0; i < nw; i++) {
		struct sf_worker *w = &eng->en_workers[i];

		rte_free(w->wk_steer_out);
		rte_free(w->wk_steer_buf);
		rte_free(w->wk_steer_in);
		rte_free(w->wk_tx_in);
	}
	eng->en_steer_r = eng->en_tx_r = NULL;
}
