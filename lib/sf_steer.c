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

const uint8_t sf_rss_key[40] = {
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

/* sf_rss_key as rte_softrss_be() wants it (rte_convert_rss_key()). */
static uint8_t sf_rss_key_be[40];

static int64_t sf_steer_icmp_err(const struct sf_port *pt,
		struct rte_mbuf *m);

/* Ring names are global to the process. */

/*
 * The Toeplitz hash of a TCP frame's 4-tuple (source = the peer), or
 * -1 when the frame is not TCP over IPv4/IPv6 as far as a quick look
 * goes. IPv4 fragments are not TCP here (the worker drops them anyway);
 * IPv6 extension headers are walked by the full parser so that a flow
 * whose segments carry some stays on one worker.
 */
static int64_t
sf_steer_hash(const struct sf_port *pt, struct rte_mbuf *m)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	const struct rte_tcp_hdr *th;
	union rte_thash_tuple t;
	uint16_t type, off = sizeof(struct rte_ether_hdr);
	unsigned int i;

	if (len < off)
		return -1;
	type = ((const struct rte_ether_hdr *)d)->ether_type;
	for (i = 0; i < SF_MAX_VLAN &&
	     (type == RTE_BE16(RTE_ETHER_TYPE_VLAN) ||
	      type == RTE_BE16(RTE_ETHER_TYPE_QINQ)); i++) {
		if (len < off + sizeof(struct rte_vlan_hdr))
			return -1;
		type = ((const struct rte_vlan_hdr *)(d + off))->eth_proto;
		off += sizeof(struct rte_vlan_hdr);
	}
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip =
			(const struct rte_ipv4_hdr *)(d + off);
		uint16_t ihl;

		if (len >= off + sizeof(*ip) &&
		    ip->next_proto_id == IPPROTO_ICMP)
			return sf_steer_icmp_err(pt, m);
		if (len < off + sizeof(*ip) || (ip->version_ihl >> 4) != 4 ||
		    ip->next_proto_id != IPPROTO_TCP ||
		    (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
						    RTE_IPV4_HDR_OFFSET_MASK)))
			return -1;
		ihl = (ip->version_ihl & 0x0f) * 4;
		if (ihl < sizeof(*ip) || len < off + ihl + 4u)
			return -1;
		th = (const struct rte_tcp_hdr *)(d + off + ihl);
		t.v4.src_addr = rte_be_to_cpu_32(ip->src_addr);
		t.v4.dst_addr = rte_be_to_cpu_32(ip->dst_addr);
		t.v4.sport = rte_be_to_cpu_16(th->src_port);
		t.v4.dport = rte_be_to_cpu_16(th->dst_port);
		return rte_softrss_be((uint32_t *)&t, RTE_THASH_V4_L4_LEN,
				sf_rss_key_be);
	}
	if (type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip6 =
			(const struct rte_ipv6_hdr *)(d + off);
		uint16_t l4 = off + sizeof(*ip6);

		if (len < off + sizeof(*ip6))
			return -1;
		if (ip6->proto != IPPROTO_TCP) {
			struct sf_pkt p;

			if (sf_pkt_parse_l2(m, &pt->pt_mac, &p) != SF_PKT_OK ||
			    p.ethertype != RTE_ETHER_TYPE_IPV6 ||
			    sf_pkt_parse_ip6(m, &p) != SF_PKT_OK)
				return -1;
			if (p.l4_proto == IPPROTO_ICMPV6)
				return sf_steer_icmp_err(pt, m);
			if (p.l4_proto != IPPROTO_TCP)
				return -1;
			l4 = p.l2_len + p.l3_len;
		}
		if (len < l4 + 4u)
			return -1;
		th = (const struct rte_tcp_hdr *)(d + l4);
		rte_thash_load_v6_addrs(ip6, &t);
		t.v6.sport = rte_be_to_cpu_16(th->src_port);
		t.v6.dport = rte_be_to_cpu_16(th->dst_port);
		return rte_softrss_be((uint32_t *)&t, RTE_THASH_V6_L4_LEN,
				sf_rss_key_be);
	}
	return -1;
}

/*
 * An ICMP or ICMPv6 error belongs to the flow it quotes (RFC 792, RFC
 * 4443 2.4 c): the quoted packet is one we sent, so in the flow's
 * received direction the quoted destination is the source. Returns that
 * flow's hash, or -1 when m is no error quoting TCP (it then stays on
 * the worker that received it, as ICMP echo does).
 */
static int64_t
sf_steer_icmp_err(const struct sf_port *pt, struct rte_mbuf *m)
{
	union rte_thash_tuple t;
	const uint8_t *ic, *q;
	struct sf_pkt p;
	uint32_t qlen, ihl;

	if (sf_pkt_parse_l2(m, &pt->pt_mac, &p) != SF_PKT_OK)
		return -1;
	if (p.ethertype == RTE_ETHER_TYPE_IPV4) {
		if (sf_pkt_parse_ip4(m, &p, false) != SF_PKT_OK ||
		    p.l4_proto != IPPROTO_ICMP)
			return -1;
	} else if (sf_pkt_parse_ip6(m, &p) != SF_PKT_OK ||
		   p.l4_proto != IPPROTO_ICMPV6) {
		return -1;
	}
	if (p.l4_len < 8)
		return -1;
	ic = rte_pktmbuf_mtod_offset(m, const uint8_t *, p.l2_len + p.l3_len);
	q = ic + 8;
	qlen = p.l4_len - 8u;
	if (p.l4_proto == IPPROTO_ICMP) {
		const struct rte_ipv4_hdr *qip = (const void *)q;

		if ((ic[0] != SF_ICMP_DEST_UNREACH &&
		     ic[0] != SF_ICMP_TIME_EXCEEDED &&
		     ic[0] != SF_ICMP_PARAMETERPROB) || qlen < sizeof(*qip) ||
		    (qip->version_ihl >> 4) != 4 ||
		    qip->next_proto_id != IPPROTO_TCP)
			return -1;
		ihl = (qip->version_ihl & 0x0f) * 4u;
		if (ihl < sizeof(*qip) || qlen < ihl + 4)
			return -1;
		t.v4.src_addr = rte_be_to_cpu_32(qip->dst_addr);
		t.v4.dst_addr = rte_be_to_cpu_32(qip->src_addr);
		t.v4.sport = (uint16_t)(q[ihl + 2] << 8 | q[ihl + 3]);
		t.v4.dport = (uint16_t)(q[ihl] << 8 | q[ihl + 1]);
		return rte_softrss_be((uint32_t *)&t, RTE_THASH_V4_L4_LEN,
				sf_rss_key_be);
	} else {
		struct rte_ipv6_hdr rev;

		if (ic[0] < SF_ICMP6_DEST_UNREACH ||
		    ic[0] > SF_ICMP6_PARAMPROB || qlen < sizeof(rev) + 4)
			return -1;
		memcpy(&rev, q, sizeof(rev));
		if ((rte_be_to_cpu_32(rev.vtc_flow) >> 28) != 6 ||
		    rev.proto != IPPROTO_TCP)
			return -1;
		memcpy(rev.src_addr, q + offsetof(struct rte_ipv6_hdr,
			dst_addr), 16);
		memcpy(rev.dst_addr, q + offsetof(struct rte_ipv6_hdr,
			src_addr), 16);
		rte_thash_load_v6_addrs(&rev, &t);
		q += sizeof(rev);
		t.v6.sport = (uint16_t)(q[2] << 8 | q[3]);
		t.v6.dport = (uint16_t)(q[0] << 8 | q[1]);
		return rte_softrss_be((uint32_t *)&t, RTE_THASH_V6_L4_LEN,
				sf_rss_key_be);
	}
}

int
sf_steer_owner(const struct sf_port *pt, struct rte_mbuf *m)
{
	int64_t h = sf_steer_hash(pt, m);

	if (h < 0)
		return -1;
	return pt->pt_reta[(uint32_t)h & (SF_STEER_RETA_SIZE - 1)];
}

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
		int o = sf_steer_owner(pt, pkts[i]);
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

		sf_count_n(w, SF_CNT_steer_out, k);
		if (k < b->sb_n) {
			/* Received here and dropped here: both counted here. */
			rte_pktmbuf_free_bulk(b->sb_m + k, b->sb_n - k);
			sf_count_n(w, SF_CNT_rx_packets, b->sb_n - k);
			sf_count_n(w, SF_CNT_drop_steer_ring_full, b->sb_n - k);
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
		sf_count_n(w, SF_CNT_steer_in, n);
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
			uint16_t port = pkts[i]->port;
			const struct sf_wqueue *q;
			uint16_t sent;

			if (unlikely(w->wk_qidx[port] == UINT8_MAX)) {
				rte_pktmbuf_free(pkts[i]);
				sf_count(w, SF_CNT_tx_dropped);
				continue;
			}
			q = &w->wk_q[w->wk_qidx[port]];
			sent = rte_eth_tx_buffer(q->wq_port, q->wq_queue,
					q->wq_txb, pkts[i]);
			if (sent != 0)
				sf_count_n(w, SF_CNT_tx_packets, sent);
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
		if (eng->en_workers[s].wk_qidx[port_id] != UINT8_MAX)
			qw[nq++] = s;
	if (nq == 0) {
		free(qw);
		return -EINVAL;
	}
	rte_convert_rss_key((const uint32_t *)sf_rss_key,
		(uint32_t *)sf_rss_key_be, sizeof(sf_rss_key));
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
		struct sf_worker *wd = &eng->en_workers[d];
		unsigned int p;

		if (wd->wk_qidx[port_id] != UINT8_MAX)
			continue;
		p = qw[d % nq];
		wd->wk_txr[port_id] = sf_steer_pair(eng, eng->en_tx_r, "tx",
			d, p, &eng->en_workers[p].wk_tx_in,
			&eng->en_workers[p].wk_nb_tx_in, &made);
		if (wd->wk_txr[port_id] == NULL)
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
